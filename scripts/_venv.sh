# Sourced by the other scripts: make .venv (once) and install the project into it.
# Usage: . scripts/_venv.sh [EXTRAS]   e.g. ". scripts/_venv.sh test"
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3}"
VENV="${TDKT_VENV:-$ROOT/.venv}"
if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --upgrade pip
fi
spec="$ROOT"
[ -n "${1:-}" ] && spec="$ROOT[$1]"
"$VENV/bin/python" -m pip install --quiet -e "$spec"
export PATH="$VENV/bin:$PATH"
cd "$ROOT"
