#!/usr/bin/env bash
# The whole test suite: set up .venv, then run pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/setup_browser.sh  # chromium + CJK font for tests/page (apt; POLICYTAG_SKIP_BROWSER_TESTS=1 skips them)
bash scripts/setup_java.sh  # Java 17 for the Spark tests in tests/batch (apt; POLICYTAG_SKIP_SPARK_TESTS=1 skips them)
exec .venv/bin/python -m pytest "$@"
