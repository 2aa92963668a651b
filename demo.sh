#!/usr/bin/env bash
# The README's main command: builds the operator, then runs the demo (embedded API
# server, operator, sample peers, real kubectl). Everything it starts stops on exit or Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")"
mvn -B -q package -DskipTests
exec mvn -B -q exec:java@demo -Dexec.args="$*"
