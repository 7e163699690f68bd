#!/usr/bin/env bash
# PostgreSQL for the tests that run on both databases: Debian's postgresql package from apt. Quick and
# silent when initdb is there. When it cannot be installed it says why and fails, unless
# POLICYTAG_SKIP_POSTGRES_TESTS=1 (those tests then run on SQLite only).
set -uo pipefail
cd "$(dirname "$0")"
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && exit 0
exec bash apt_install.sh setup_postgres POLICYTAG_SKIP_POSTGRES_TESTS postgresql
