#!/usr/bin/env bash
# Create .venv and install isnad into it (editable). --test adds the test tools and Debian's Chromium.
set -euo pipefail
cd "$(dirname "$0")"
python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$python" -m venv .venv
    .venv/bin/pip install --quiet --upgrade pip
fi
extras=""
if [ "${1:-}" = "--test" ]; then
    extras="[test]"
    if ! command -v chromium >/dev/null 2>&1; then
        sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
        $sudo apt-get update -qq && $sudo apt-get install -y -qq chromium >/dev/null
    fi
fi
stamp=".venv/.installed$extras"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    .venv/bin/pip install --quiet -e ".$extras"
    touch "$stamp"
fi
