#!/usr/bin/env bash
# The whole test suite: lint, types, import layers, tests. Installs what it needs into .venv (again
# only when pyproject.toml changed), and LibreOffice Calc (for the tests that need a real
# spreadsheet program) when it is missing and this is a Debian/Ubuntu machine where we may install
# packages. Without LibreOffice those tests are skipped with a note; in CI (CI set, or
# TDKT_REQUIRE_SOFFICE=1) a LibreOffice that cannot be installed fails the run.
. "$(dirname "$0")/_venv.sh" test

case "${CI:-}" in ""|0|false|False|FALSE|no) ;; *) export TDKT_REQUIRE_SOFFICE=1 ;; esac
[ "${TDKT_REQUIRE_SOFFICE:-}" = 0 ] && unset TDKT_REQUIRE_SOFFICE

_soffice_found() { command -v soffice >/dev/null 2>&1 || command -v libreoffice >/dev/null 2>&1; }
# Calc; Writer for the Word documents (issue 17) and Liberation Serif, Times New Roman's metrics
_lo_packages="libreoffice-calc-nogui libreoffice-writer-nogui fonts-liberation2"
_writer_missing() { command -v dpkg >/dev/null 2>&1 && ! dpkg -s libreoffice-writer-nogui >/dev/null 2>&1 \
                    && ! dpkg -s libreoffice-writer >/dev/null 2>&1; }
_soffice_tried=""
if { ! _soffice_found || _writer_missing; } && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "Cài LibreOffice Calc (một lần) ... / Installing LibreOffice Calc (once) ..."
  _soffice_tried=1
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $_lo_packages >/dev/null 2>&1 \
    || { apt-get update -qq >/dev/null 2>&1 \
         && apt-get install -y -qq --no-install-recommends $_lo_packages >/dev/null 2>&1; } \
    || true
fi
_soffice_note=""
if ! _soffice_found; then
  _why_vi="không có LibreOffice (soffice)" _why_en="LibreOffice (soffice) is not installed"
  if [ -n "$_soffice_tried" ]; then
    _why_vi="cài LibreOffice Calc không được"
    _why_en="installing LibreOffice Calc failed"
  fi
  if [ -n "${TDKT_REQUIRE_SOFFICE:-}" ]; then
    {
      echo "LỖI: $_why_vi; trong CI các phép thử cần LibreOffice phải chạy."
      echo "  Cài: apt-get install libreoffice-calc-nogui"
      echo "ERROR: $_why_en; in CI the tests that need it must run."
      echo "  Install: apt-get install libreoffice-calc-nogui"
    } >&2
    exit 1
  fi
  _soffice_note="Lưu ý: $_why_vi: các phép thử cần LibreOffice bị bỏ qua (cài: apt-get install libreoffice-calc-nogui).
Note: $_why_en: the tests that need LibreOffice are skipped (install: apt-get install libreoffice-calc-nogui)."
  echo "$_soffice_note" >&2
fi

ruff check tdkt_xl tests bench scripts
mypy
lint-imports
# -n auto --dist worksteal: one test process per core (pytest-xdist), an idle one takes tests
# from the other; `-m "not slow"` leaves out the kill tests and
# the LibreOffice round trips for a quick run while working.
status=0
python -m pytest -n auto --dist worksteal "$@" || status=$?
[ -z "$_soffice_note" ] || echo "$_soffice_note" >&2  # again, after the tests' output
exit "$status"
