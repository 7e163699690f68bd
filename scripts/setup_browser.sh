#!/usr/bin/env bash
# The browser for the page tests (tests/page): Debian's chromium and a CJK font, from apt.
# Quick and silent when both are there; Playwright's own browser download is never used.
# When they cannot be installed it says so in one line and fails, unless POLICYTAG_SKIP_BROWSER_TESTS=1
# (then the page tests are skipped, and say so).
set -uo pipefail

cannot() {
    echo "setup_browser: cannot install chromium and fonts-wqy-microhei ($1)" >&2
    [ "${POLICYTAG_SKIP_BROWSER_TESTS:-}" = 1 ] && exit 0
    echo "setup_browser: install them (apt-get install chromium fonts-wqy-microhei) or set POLICYTAG_SKIP_BROWSER_TESTS=1" >&2
    exit 1
}

CHROMIUM=/usr/bin/chromium
FONT=/usr/share/fonts/truetype/wqy/wqy-microhei.ttc

have_font() { [ -f "$FONT" ] || { command -v fc-list >/dev/null && fc-list | grep -qi "WenQuanYi Micro Hei"; }; }

if [ -x "$CHROMIUM" ] && have_font; then
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    SUDO=()
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    SUDO=(sudo -n)
else
    cannot "not root, no passwordless sudo"
fi
if ! command -v apt-get >/dev/null; then
    cannot "no apt-get"
fi

log=$(mktemp)
if "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q >"$log" 2>&1 &&
   "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
       chromium fonts-wqy-microhei >>"$log" 2>&1 &&
   [ -x "$CHROMIUM" ]; then
    echo "setup_browser: installed $("$CHROMIUM" --version 2>/dev/null || echo chromium) and fonts-wqy-microhei" >&2
    rm -f "$log"
else
    reason=$(tail -n 1 "$log")
    rm -f "$log"
    cannot "apt-get: $reason"
fi
