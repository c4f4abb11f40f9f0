#!/usr/bin/env bash
# Create .venv and install isnad into it (editable), with Debian's English-Arabic dictionary (English questions'
# lexical side, rag/lexicon.py). --test adds the test tools and Debian's Chromium.
set -euo pipefail
cd "$(dirname "$0")"
python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$python" -m venv .venv
    .venv/bin/pip install --quiet --upgrade pip
fi
extras=""
debs=""
[ -f /usr/share/dictd/freedict-eng-ara.index ] || debs="dict-freedict-eng-ara"
if [ "${1:-}" = "--test" ]; then
    extras="[test]"
    command -v chromium >/dev/null 2>&1 || debs="$debs chromium"
fi
if [ -n "$debs" ]; then
    sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
    if ! { command -v apt-get >/dev/null 2>&1 && $sudo apt-get update -qq && $sudo apt-get install -y -qq $debs >/dev/null; }; then
        echo "setup.sh: could not install the Debian packages $debs; without dict-freedict-eng-ara English" \
            "questions are retrieved by meaning alone (README.md, 'English questions')" >&2
    fi
fi
stamp=".venv/.installed$extras"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    .venv/bin/pip install --quiet -e ".$extras"
    touch "$stamp"
fi
