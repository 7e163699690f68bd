#!/usr/bin/env bash
# Java 17 for the Spark tests (tests/batch, 'policytag batch --engine spark'): Debian's
# openjdk-17-jre-headless from apt. Quick and silent when a Java >= 17 is on PATH or in JAVA_HOME.
# When it cannot be installed it says why and fails, unless POLICYTAG_SKIP_SPARK_TESTS=1.
set -uo pipefail
cd "$(dirname "$0")"

java_major() {  # major version of the java on PATH (0 when there is none)
    command -v java >/dev/null || { echo 0; return; }
    java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1 | grep . || echo 0
}

[ "$(java_major)" -ge 17 ] && exit 0
[ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] && exit 0
exec bash apt_install.sh setup_java POLICYTAG_SKIP_SPARK_TESTS openjdk-17-jre-headless
