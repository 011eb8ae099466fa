#!/usr/bin/env bash
# Compiles and packages every module (the jars the images and the demo run). Used by CodeQL's
# manual build and by the release. --with-tests also runs the unit tests.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
if [[ "${1:-}" == "--with-tests" ]]; then
  ./mvnw -B -ntp -DskipITs install
else
  ./mvnw -B -ntp -DskipTests -Dspotless.check.skip=true -Djacoco.skip=true install
fi
./mvnw -B -ntp -f load-tests/pom.xml test-compile
