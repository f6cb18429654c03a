#!/usr/bin/env bash
# The main job on the bundled sample plan: check it, write its status copy, then the demo
# round (unit reports written, filled as units would, consolidated into out/demo/tong_hop.xlsx).
# Installs into .venv again only when pyproject.toml changed (scripts/_venv.sh).
# Usage: bash scripts/demo.sh [AS_OF (YYYY-MM-DD): the status copy's date; the demo keeps 01/07/2024]
# (sourced with an empty argument: without one it sees this script's date as its EXTRAS)
. "$(dirname "$0")/_venv.sh" ""
mkdir -p out
status=0
tdkt-xl validate workbooks/ke_hoach_mau.xlsx || status=$?
tdkt-xl status workbooks/ke_hoach_mau.xlsx --out out/ke_hoach_mau_trang_thai.xlsx ${1:+--as-of "$1"}
tdkt-xl demo out/demo
exit "$status"
