#!/usr/bin/env bash
# The browser for the page tests (tests/page): Debian's chromium and a CJK font, from apt.
# Quick and silent when both are there; Playwright's own browser download is never used.
# When they cannot be installed it says why and fails, unless POLICYTAG_SKIP_BROWSER_TESTS=1.
set -uo pipefail
cd "$(dirname "$0")"

FONT=/usr/share/fonts/truetype/wqy/wqy-microhei.ttc
have_font() { [ -f "$FONT" ] || { command -v fc-list >/dev/null && fc-list | grep -qi "WenQuanYi Micro Hei"; }; }

[ -x /usr/bin/chromium ] && have_font && exit 0
exec bash apt_install.sh setup_browser POLICYTAG_SKIP_BROWSER_TESTS chromium fonts-wqy-microhei
