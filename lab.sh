#!/usr/bin/env bash
# Runs lab scenario files end to end on real WireGuard (needs root):
#   ./lab.sh lab/scenarios/udp-blocked.yaml      one scenario
#   ./lab.sh lab/scenarios                       every scenario in a directory
# Relative paths are taken from where you call it.
set -euo pipefail
here=$(pwd)
cd "$(dirname "$0")"
args=()
for a in "$@"; do case $a in /*) args+=("$a") ;; *) args+=("$here/$a") ;; esac; done
[ -f target/quarkus-app/quarkus-run.jar ] || mvn -B -q package -DskipTests
exec mvn -B -q exec:java@lab -Dexec.args="${args[*]}"
