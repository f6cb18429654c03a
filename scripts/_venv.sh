# Sourced by the other scripts: make .venv (once) and install the project into it, again only when
# pyproject.toml changed since the last install or extras not installed yet are asked for.
# Usage: . scripts/_venv.sh [EXTRAS]   e.g. ". scripts/_venv.sh test"
# The stamp .venv/.tdkt_install holds the SHA-256 of pyproject.toml and the extras installed with
# it; TDKT_REINSTALL=1 installs again whatever it says.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3}"
VENV="${TDKT_VENV:-$ROOT/.venv}"
STAMP="$VENV/.tdkt_install"

_tdkt_no_venv() {
  # The Python cannot make a virtual environment: on Debian/Ubuntu its venv/ensurepip package is
  # missing. Name the package (the versioned one too) and the command that installs it.
  local version sudo=""
  version="$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null || echo 3)"
  [ "$(id -u)" = 0 ] || sudo="sudo "
  {
    echo "LỖI: $PYTHON không tạo được môi trường ảo (python3 -m venv): thiếu gói python3-venv (ensurepip)."
    echo "  Cài gói đó rồi chạy lại:  ${sudo}apt-get install python3-venv   (hoặc: ${sudo}apt-get install python$version-venv)"
    echo "ERROR: $PYTHON cannot create a virtual environment (python3 -m venv): python3-venv (ensurepip) is missing."
    echo "  Install it, then run again:  ${sudo}apt-get install python3-venv   (or: ${sudo}apt-get install python$version-venv)"
  } >&2
  exit 1
}

if [ ! -x "$VENV/bin/python" ] || [ ! -e "$VENV/bin/pip" ]; then
  # No environment, or a half-made one (a venv made without ensurepip has python but no pip).
  if ! command -v "$PYTHON" >/dev/null 2>&1; then
    echo "LỖI: không tìm thấy $PYTHON (cần Python 3.11 trở lên) / ERROR: $PYTHON not found (Python 3.11 or newer is needed)" >&2
    exit 1
  fi
  "$PYTHON" -c 'import venv, ensurepip' >/dev/null 2>&1 || _tdkt_no_venv
  if [ -e "$VENV" ] && [ ! -e "$VENV/pyvenv.cfg" ] && [ -n "$(ls -A "$VENV" 2>/dev/null)" ]; then
    echo "LỖI: $VENV có sẵn nhưng không phải môi trường ảo; xoá hoặc đặt TDKT_VENV khác." >&2
    echo "ERROR: $VENV exists but is not a virtual environment; remove it or set another TDKT_VENV." >&2
    exit 1
  fi
  rm -rf "$VENV"
  if ! "$PYTHON" -m venv "$VENV"; then
    rm -rf "$VENV"
    _tdkt_no_venv
  fi
  [ -e "$VENV/bin/pip" ] || { rm -rf "$VENV"; _tdkt_no_venv; }
  "$VENV/bin/python" -m pip install --quiet --upgrade pip
fi

# The extras asked for, sorted, one comma-separated list ("" for none).
_tdkt_extras="$(printf '%s' "${1:-}" | tr ', ' '\n\n' | sed '/^$/d' | sort -u | paste -sd, -)"
_tdkt_hash="$(sha256sum "$ROOT/pyproject.toml" 2>/dev/null || shasum -a 256 "$ROOT/pyproject.toml")"
_tdkt_hash="${_tdkt_hash%% *}"
_tdkt_install=1
if [ -z "${TDKT_REINSTALL:-}" ] && [ -f "$STAMP" ] && [ -x "$VENV/bin/tdkt-xl" ]; then
  _tdkt_old_hash="$(sed -n 's/^pyproject_sha256=//p' "$STAMP")"
  _tdkt_old_extras="$(sed -n 's/^extras=//p' "$STAMP")"
  if [ "$_tdkt_old_hash" = "$_tdkt_hash" ]; then
    # Same pyproject.toml: install only when an extra asked for is not installed yet, and then
    # with the extras already there, so that the stamp stays true.
    _tdkt_install=0
    for _tdkt_extra in ${_tdkt_extras//,/ }; do
      case ",$_tdkt_old_extras," in *",$_tdkt_extra,"*) ;; *) _tdkt_install=1 ;; esac
    done
    if [ "$_tdkt_install" = 1 ]; then
      _tdkt_extras="$(printf '%s,%s' "$_tdkt_old_extras" "$_tdkt_extras" | tr ',' '\n' | sed '/^$/d' \
        | sort -u | paste -sd, -)"
    fi
  fi
fi
if [ "$_tdkt_install" = 1 ]; then
  echo "Cài dự án vào $VENV${_tdkt_extras:+ [$_tdkt_extras]} ... / Installing the project into $VENV" >&2
  rm -f "$STAMP"
  spec="$ROOT"
  [ -n "$_tdkt_extras" ] && spec="$ROOT[$_tdkt_extras]"
  if ! "$VENV/bin/python" -m pip install --quiet -e "$spec"; then
    echo "LỖI: cài dự án vào $VENV không được; xem thông báo của pip ở trên (mạng, PyPI, pyproject.toml)." >&2
    echo "ERROR: installing the project into $VENV failed; see pip's message above (network, PyPI, pyproject.toml)." >&2
    exit 1
  fi
  printf 'pyproject_sha256=%s\nextras=%s\n' "$_tdkt_hash" "$_tdkt_extras" > "$STAMP.tmp"
  mv -f "$STAMP.tmp" "$STAMP"
fi
unset _tdkt_extras _tdkt_hash _tdkt_install _tdkt_old_hash _tdkt_old_extras _tdkt_extra
export PATH="$VENV/bin:$PATH"
cd "$ROOT"
