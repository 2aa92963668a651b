#!/usr/bin/env bash
# The README's main command. As root it installs the lab's packages that are missing
# (lab/packages.txt, with apt-get install -y --no-install-recommends, saying which), builds
# the operator and runs every shipped scenario on real WireGuard in network namespaces.
# Without root it runs the API-only demo and prints the command that runs the lab.
# Everything it starts stops on exit or Ctrl-C.   ./demo.sh --keep: stay up until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")"
. lab/packages.sh

for tool in java mvn kubectl; do
  command -v "$tool" >/dev/null || {
    echo "demo.sh: $tool is not installed; the demo needs Java 17, Maven 3.8 and kubectl (see README.md)" >&2; exit 2; }
done

if [ "$(id -u)" = 0 ]; then
  install_missing demo.sh lab || echo "demo.sh: the lab's packages could not all be installed; the demo will say what it falls back to" >&2
else
  echo "demo.sh: not root, so this is the API-only demo (the operator on the embedded API server, no WireGuard)."
  missing=$(missing_packages lab | tr '\n' ' ')
  echo "demo.sh: the lab (real WireGuard in network namespaces) needs root${missing:+ and installs ${missing% }}; run it with:"
  echo "    cd $(printf %q "$PWD") && sudo env PATH=$(printf %q "$PATH")${JAVA_HOME:+ JAVA_HOME=$(printf %q "$JAVA_HOME")} ./demo.sh"
fi

mvn -B -q package -DskipTests
exec mvn -B -q exec:java@demo -Dexec.args="$*"
