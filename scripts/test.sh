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
bash scripts/setup_postgres.sh  # PostgreSQL (apt; POLICYTAG_SKIP_POSTGRES_TESTS=1 runs those tests on SQLite only)
# A throwaway PostgreSQL cluster for the tests that run on both databases, stopped at the end.
if [ "${POLICYTAG_SKIP_POSTGRES_TESTS:-}" != 1 ]; then
    pg_dir=$(mktemp -d)
    trap 'bash scripts/postgres_cluster.sh stop "$pg_dir"; rm -rf "$pg_dir"' EXIT
    POLICYTAG_TEST_POSTGRES_URL=$(bash scripts/postgres_cluster.sh start "$pg_dir")
    export POLICYTAG_TEST_POSTGRES_URL
fi
.venv/bin/python -m pytest "$@"
