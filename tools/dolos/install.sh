#!/usr/bin/env bash
# Dolos (the copy detector of `python -m course similarity`) into .cache/dolos, from npm, at the
# versions of tools/dolos/package-lock.json.  Needs node >= 18 and npm (tools/system-deps.sh hub) and
# a C++ compiler: @dodona/dolos-parsers builds its tree-sitter grammars on install (about 3 minutes
# on 2 cores).  Run by `make dolos`; a second run with the same lock file does nothing.
set -euo pipefail
cd "$(dirname "$0")/../.."
dest=.cache/dolos
if [ -f "$dest/.installed" ] && cmp -s tools/dolos/package-lock.json "$dest/package-lock.json"; then
  exit 0
fi
for tool in node npm; do
  command -v "$tool" >/dev/null || { echo "error: $tool is not installed (bash tools/system-deps.sh hub)" >&2; exit 3; }
done
# node-gyp builds the grammars with make and a C++ compiler (Debian: make, g++); root with apt-get installs them
if ! command -v make >/dev/null || ! command -v c++ >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends make g++ >/dev/null
  else
    echo "error: Dolos's install compiles C++: install make and g++ (sudo apt-get install -y make g++)" >&2
    exit 3
  fi
fi
mkdir -p "$dest"
rm -f "$dest/.installed"
cp tools/dolos/package.json tools/dolos/package-lock.json "$dest/"
(cd "$dest" && npm ci --no-audit --no-fund --loglevel=error)
node -e 'import(process.argv[1]).then(() => {})' "$PWD/$dest/node_modules/@dodona/dolos-lib/dist/index.js"
touch "$dest/.installed"
