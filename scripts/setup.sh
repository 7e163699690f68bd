#!/usr/bin/env bash
# Create .venv/ and install policytag with its pinned dependencies. Idempotent:
# a second run reuses .venv and reinstalls only when pyproject.toml changed.
#   TORCH_INDEX_URL  index for torch (users: https://download.pytorch.org/whl/cpu)
#   PYTHON           interpreter to build the venv with (default: python3, >= 3.11)
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
    echo "policytag needs Python >= 3.11; set PYTHON=/path/to/python3.11" >&2; exit 2; }

[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
stamp=".venv/.installed-$(cat pyproject.toml scripts/setup.sh | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
    .venv/bin/python -m pip install -q --upgrade pip
    # torch first, pinned, from the CPU index where one is given (no CUDA packages).
    .venv/bin/python -m pip install -q "torch==2.13.0" ${TORCH_INDEX_URL:+--index-url "$TORCH_INDEX_URL"}
    .venv/bin/python -m pip install -q -e ".[test,postgres]"
    rm -f .venv/.installed-*
    touch "$stamp"
fi
