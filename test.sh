#!/usr/bin/env bash
# Set everything up (virtual environment, test tools, Chromium for the browser tests), lint, run the tests.
set -euo pipefail
cd "$(dirname "$0")"
./setup.sh --test
.venv/bin/ruff check .
.venv/bin/ruff format --check .
HF_HUB_OFFLINE=1 exec .venv/bin/pytest "$@"
