#!/usr/bin/env bash
# The main job on the bundled sample plan: check it, then write its status copy.
# Usage: bash scripts/demo.sh [AS_OF (YYYY-MM-DD)]
. "$(dirname "$0")/_venv.sh"
mkdir -p out
status=0
tdkt-xl validate workbooks/ke_hoach_mau.xlsx || status=$?
tdkt-xl status workbooks/ke_hoach_mau.xlsx --out out/ke_hoach_mau_trang_thai.xlsx ${1:+--as-of "$1"}
exit "$status"
