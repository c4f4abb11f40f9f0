#!/usr/bin/env bash
# Set everything up on first use (a virtual environment in .venv), then open the web chat over the
# bundled seed articles (the index is built on first use). Extra arguments go to `isnad serve`.
set -euo pipefail
cd "$(dirname "$0")"
./setup.sh
exec .venv/bin/isnad serve "$@"
