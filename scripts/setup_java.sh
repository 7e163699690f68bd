#!/usr/bin/env bash
# Java 17 for the Spark tests (tests/batch, 'policytag batch --engine spark'): Debian's
# openjdk-17-jre-headless from apt. Quick and silent when a Java >= 17 is on PATH.
# When it cannot be installed it says so in one line and fails, unless POLICYTAG_SKIP_SPARK_TESTS=1
# (then the Spark tests are skipped, and say so).
set -uo pipefail

cannot() {
    echo "setup_java: cannot install openjdk-17-jre-headless ($1)" >&2
    [ "${POLICYTAG_SKIP_SPARK_TESTS:-}" = 1 ] && exit 0
    echo "setup_java: install it (apt-get install openjdk-17-jre-headless), set JAVA_HOME to a Java 17, or set POLICYTAG_SKIP_SPARK_TESTS=1" >&2
    exit 1
}

java_major() {  # major version of the java on PATH (0 when there is none)
    command -v java >/dev/null || { echo 0; return; }
    java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1 | grep . || echo 0
}

if [ "$(java_major)" -ge 17 ] || { [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; }; then
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
       openjdk-17-jre-headless >>"$log" 2>&1 &&
   [ "$(java_major)" -ge 17 ]; then
    echo "setup_java: installed $(java -version 2>&1 | head -n 1)" >&2
    rm -f "$log"
else
    reason=$(tail -n 1 "$log")
    rm -f "$log"
    cannot "apt-get: $reason"
fi
