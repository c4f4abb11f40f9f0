#!/usr/bin/env bash
# Create .venv and install isnad into it (editable), with Debian's English-Arabic word list unpacked into
# .venv/share/dictd (English questions' lexical side, rag/lexicon.py). --test adds the test tools and Debian's
# Chromium.
set -euo pipefail
cd "$(dirname "$0")"
python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$python" -m venv .venv
    .venv/bin/pip install --quiet --upgrade pip
fi
sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"

word_list() (  # apt-get download needs no root; apt's package lists are refreshed (root) only when they lack it
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    (cd "$tmp" && apt-get download -qq dict-freedict-eng-ara 2>/dev/null) \
        || { $sudo apt-get update -qq && (cd "$tmp" && apt-get download -qq dict-freedict-eng-ara); } || exit 1
    dpkg-deb -x "$tmp"/dict-freedict-eng-ara_*.deb "$tmp/root" || exit 1
    mkdir -p .venv/share/dictd && cp "$tmp"/root/usr/share/dictd/freedict-eng-ara.* .venv/share/dictd/
)
if [ ! -f .venv/share/dictd/freedict-eng-ara.index ] && [ ! -f /usr/share/dictd/freedict-eng-ara.index ]; then
    word_list || echo "setup.sh: could not fetch Debian's dict-freedict-eng-ara; without it English questions" \
        "are retrieved by meaning alone (README.md, 'English questions')" >&2
fi
extras=""
if [ "${1:-}" = "--test" ]; then
    extras="[test]"
    if ! command -v chromium >/dev/null 2>&1; then
        $sudo apt-get update -qq && $sudo apt-get install -y -qq chromium >/dev/null
    fi
fi
stamp=".venv/.installed$extras"
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    .venv/bin/pip install --quiet -e ".$extras"
    touch "$stamp"
fi
