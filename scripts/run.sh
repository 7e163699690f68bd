#!/usr/bin/env bash
# The main job: set up .venv, then run policytag's main job (see README).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/policytag run "$@"
