#!/usr/bin/env bash
# The whole test suite: lint, types, import layers, tests. Installs what it needs into .venv, and
# LibreOffice Calc (for the three tests that need a real spreadsheet program) when
# it is missing and this is a Debian/Ubuntu machine where we may install packages.
. "$(dirname "$0")/_venv.sh" test
if ! command -v soffice >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "Cài LibreOffice Calc (một lần) ..."
  apt-get install -y -qq --no-install-recommends libreoffice-calc-nogui >/dev/null 2>&1 \
    || { apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends libreoffice-calc-nogui >/dev/null; }
fi
ruff check tdkt_xl tests bench scripts
mypy
lint-imports
# -n auto --dist worksteal: one test process per core (pytest-xdist), an idle one takes tests
# from the other; `-m "not slow"` leaves out the kill tests and
# the LibreOffice round trips for a quick run while working.
python -m pytest -n auto --dist worksteal "$@"
