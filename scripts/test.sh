#!/usr/bin/env bash
# The whole test suite: set up .venv, then run pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/setup_browser.sh  # chromium + CJK font for tests/page (apt; skipped tests if it cannot)
exec .venv/bin/python -m pytest "$@"
