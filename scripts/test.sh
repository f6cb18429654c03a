#!/usr/bin/env bash
# The whole test suite: lint, types, tests. Installs what it needs into .venv.
. "$(dirname "$0")/_venv.sh" test
ruff check tdkt_xl tests bench
mypy
python -m pytest "$@"
