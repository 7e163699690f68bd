#!/usr/bin/env bash
# The whole test suite: set up .venv, check imports, lint and types, then run pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/setup_browser.sh  # chromium + CJK font for tests/page (apt; POLICYTAG_SKIP_BROWSER_TESTS=1 skips them)
bash scripts/setup_java.sh  # Java 17 for the Spark tests in tests/batch (apt; POLICYTAG_SKIP_SPARK_TESTS=1 skips them)
.venv/bin/lint-imports  # the layer contracts in pyproject.toml
.venv/bin/ruff check .
.venv/bin/mypy  # the core package (files = policytag in pyproject.toml)
exec .venv/bin/python -m pytest "$@"
