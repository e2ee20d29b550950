#!/usr/bin/env bash
# The system tools the course needs, checked (and installed where it can) in one place,
# for `make grade`, `make test` and .ci/run:
#   tools/system-deps.sh grade   bubblewrap + util-linux (bwrap, prlimit, setpriv): the grading sandbox
#   tools/system-deps.sh test    the same, plus chromium (the browser test)
#   tools/system-deps.sh hub     the grading tools, plus node, npm (configurable-http-proxy) and patchelf
#                                (python -m course hub setup; docs/deploy.md)
# Root with apt-get: installs what is missing.  Anywhere else: prints the command to run
# and exits 3, before anything is built.  DLCOURSE_ASSUME_NO_APT=1 takes the second path
# even as root (for tests).  DLCOURSE_CHROMIUM names a chromium elsewhere (tests/test_browser.py).
set -euo pipefail

case "${1:-}" in
  grade) tools=(bwrap:bubblewrap prlimit:util-linux setpriv:util-linux) ;;
  test) tools=(bwrap:bubblewrap prlimit:util-linux setpriv:util-linux chromium:chromium) ;;
  hub) tools=(bwrap:bubblewrap prlimit:util-linux setpriv:util-linux node:nodejs npm:npm patchelf:patchelf) ;;
  *) echo "usage: $0 grade|test|hub" >&2; exit 2 ;;
esac

missing() {  # the packages whose tool is not found, each once
  local entry tool pkg out=()
  for entry in "${tools[@]}"; do
    tool=${entry%%:*} pkg=${entry#*:}
    if [ "$tool" = chromium ] && [ -x "${DLCOURSE_CHROMIUM:-/nonexistent}" ]; then continue; fi
    command -v "$tool" >/dev/null 2>&1 && continue
    [[ " ${out[*]-} " == *" $pkg "* ]] || out+=("$pkg")
  done
  echo "${out[*]-}"
}

need=$(missing)
[ -z "$need" ] && exit 0

if [ "$(id -u)" = 0 ] && [ -z "${DLCOURSE_ASSUME_NO_APT:-}" ] && command -v apt-get >/dev/null 2>&1; then
  echo "== installing system packages: $need (apt-get, about 1 minute)" >&2
  apt-get update -qq
  # shellcheck disable=SC2086  # $need is a list of package names
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $need >/dev/null
  need=$(missing)
  [ -z "$need" ] && exit 0
  echo "error: apt-get installed the packages, but these are still missing: $need" >&2
  exit 3
fi

sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo "
browser=""; [ "$1" = test ] && browser=" and chromium (or DLCOURSE_CHROMIUM, a chromium binary) for the browser test"
[ "$1" = hub ] && browser=", and node, npm and patchelf for the hub"
cat >&2 <<EOF
error: \`make $1\` needs system packages that are not installed: $need
Nothing was built.  Install them, then run \`make $1\` again:

    ${sudo}apt-get install -y $need

(Without apt-get: bubblewrap and util-linux, for bwrap, prlimit and setpriv, the grading
sandbox$browser.)
EOF
exit 3
