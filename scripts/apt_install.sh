#!/usr/bin/env bash
# Install Debian packages for a group of tests, or say why not:
#   bash scripts/apt_install.sh NAME SKIP_VARIABLE PACKAGE...
# Uses apt-get as root or with passwordless sudo. When it cannot, it prints the reason and
# fails, unless the environment variable SKIP_VARIABLE is 1 (the tests then skip themselves).
set -uo pipefail
name=$1 skip=$2
shift 2

cannot() {
    echo "$name: cannot install $* ($reason)" >&2
    [ "${!skip:-}" = 1 ] && exit 0
    echo "$name: install them (apt-get install $*) or set $skip=1" >&2
    exit 1
}

if [ "$(id -u)" -eq 0 ]; then
    sudo=()
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    sudo=(sudo -n)
else
    reason="not root, no passwordless sudo" cannot "$@"
fi
command -v apt-get >/dev/null || reason="no apt-get" cannot "$@"

log=$(mktemp)
trap 'rm -f "$log"' EXIT
if "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q >"$log" 2>&1 &&
   "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >>"$log" 2>&1; then
    echo "$name: installed $*" >&2
else
    reason="apt-get: $(tail -n 1 "$log")" cannot "$@"
fi
