#!/usr/bin/env bash
# Builds the operator/agent image from the unchanged Dockerfile with podman (no Docker
# engine needed; `docker build` keeps working on a machine that has one):
#   ./image.sh                 package the operator, then build ghcr.io/wgfleet/wgfleet:0.1.0
#   ./image.sh --tag NAME      another tag
#   ./image.sh --no-package    use target/quarkus-app as it is (after mvn package)
#   ./image.sh --no-install    never apt-get: fail if podman, buildah, runc or mmdebstrap is missing
#   ./image.sh --clean         remove what earlier runs created: their images, the base image
#                              they bootstrapped, and .image/ (packages stay installed)
#   ./image.sh --env           print the CONTAINERS_CONF line to run podman by hand with the same settings
# WGFLEET_IMAGE_WORK=DIR keeps the settings and the record of what was created in DIR
# instead of .image/ (the tests use their own, so their --clean leaves yours alone).
# As root it installs the missing tools (lab/packages.txt, group image). When no registry
# is reachable and debian:bookworm-slim is not in local storage, it bootstraps that base
# with mmdebstrap from the Debian mirror apt uses. podman's settings for these machines go
# to .image/containers.conf (CONTAINERS_CONF points at it); the system's files stay as they are.
set -euo pipefail
cd "$(dirname "$0")"
. lab/packages.sh

tag=ghcr.io/wgfleet/wgfleet:0.1.0
base=docker.io/library/debian:bookworm-slim
# what a run created is recorded here, so that --clean removes that and nothing else
work=${WGFLEET_IMAGE_WORK:-$PWD/.image}
package=1 install=1 clean=0 env_only=0
while [ $# -gt 0 ]; do
  case $1 in
    --tag) tag=$2; shift ;;
    --no-package) package=0 ;;
    --no-install) install=0 ;;
    --clean) clean=1 ;;
    --env) env_only=1 ;;
    *) echo "image.sh: unknown option $1 (see the comment at the top of image.sh)" >&2; exit 2 ;;
  esac
  shift
done

say() { echo "image.sh: $*" >&2; }
export CONTAINERS_CONF=$work/containers.conf

write_conf() {
  mkdir -p "$work"
  # runc: crun 1.8 refuses the cgroup v1/v2 hybrid layout of these machines.
  # ulimits: podman's defaults exceed conmon's hard limits, and setrlimit fails without CAP_SYS_RESOURCE.
  cat > "$CONTAINERS_CONF" <<'EOF'
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]

[engine]
runtime = "runc"
EOF
}

if [ $env_only = 1 ]; then
  [ -f "$CONTAINERS_CONF" ] || write_conf
  echo "CONTAINERS_CONF=$CONTAINERS_CONF"
  exit 0
fi

if [ $clean = 1 ]; then
  if [ -f "$work/created" ] && command -v podman >/dev/null; then
    # images first (newest first), then the base they were built on
    tac "$work/created" | while read -r kind what; do
      case $kind in
        image|id|base) podman rmi -f "$what" >/dev/null 2>&1 && say "removed $kind $what" || true ;;
      esac
    done
  fi
  rm -rf "$work"
  say "clean: nothing of image.sh's is left (installed packages stay: apt-get remove them if unwanted)"
  exit 0
fi

if [ $install = 1 ]; then
  install_missing image.sh image || { say "cannot build without podman, buildah, runc and mmdebstrap"; exit 3; }
elif [ -n "$(missing_packages image)" ]; then
  say "missing $(missing_packages image | tr '\n' ' ')(--no-install given)"; exit 3
fi
write_conf
touch "$work/created"

if ! podman image exists "$base"; then
  [ "$(id -u)" = 0 ] || { say "$base is not in local storage and bootstrapping it needs root"; exit 3; }
  # the suites of bookworm as apt is configured here (the official image has the same three);
  # docs and man pages left out as in the official slim image, whose empty man directories
  # are kept too (openjdk's postinst links into man1 and fails without it)
  mapfile -t mirrors < <(apt-get indextargets --format '$(REPO_URI) $(RELEASE) $(COMPONENT)' 'Created-By: Packages' 2>/dev/null \
    | awk '$2 ~ /^bookworm(-updates|-security)?$/ && $3 == "main" { print "deb " $1 " " $2 " main" }' | sort -u)
  [ ${#mirrors[@]} -gt 0 ] || mirrors=("deb http://deb.debian.org/debian bookworm main"
    "deb http://deb.debian.org/debian bookworm-updates main" "deb http://deb.debian.org/debian-security bookworm-security main")
  say "bootstrapping $base with mmdebstrap from: ${mirrors[*]}"
  start=$SECONDS
  rm -f "$work/base.tar"
  mmdebstrap --variant=minbase --mode=root --format=tar --quiet \
    --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr \
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-include=/usr/share/doc/*/copyright' --dpkgopt='path-exclude=/usr/share/locale/*' \
    --dpkgopt='path-include=/usr/share/locale/locale.alias' --dpkgopt='path-exclude=/usr/share/info/*' \
    --customize-hook='mkdir -p "$1"/usr/share/man/man1 "$1"/usr/share/man/man5 "$1"/usr/share/man/man8' \
    bookworm "$work/base.tar" "${mirrors[@]}"
  podman import --quiet --change 'CMD ["bash"]' "$work/base.tar" "$base" >/dev/null
  rm -f "$work/base.tar"
  echo "base $base" >> "$work/created"
  say "base image ready in $((SECONDS - start)) s"
fi

if [ $package = 1 ]; then
  say "packaging the operator (mvn -B -q package -DskipTests)"
  mvn -B -q package -DskipTests
fi
[ -f target/quarkus-app/quarkus-run.jar ] || { say "target/quarkus-app is missing: run mvn package first (or drop --no-package)"; exit 3; }

start=$SECONDS
# --pull=never: use the local base, never a registry; --network host: apt inside the build
# reaches the mirror the same way the host does
if ! podman build --pull=never --network host -t "$tag" -f Dockerfile . > "$work/build.log" 2>&1; then
  tail -n 25 "$work/build.log" >&2
  say "podman build failed (whole log: $work/build.log)"; exit 1
fi
echo "image $tag" >> "$work/created"
echo "id $(podman image inspect --format '{{.Id}}' "$tag")" >> "$work/created"
size=$(podman image inspect --format '{{.Size}}' "$tag")
say "built $tag in $((SECONDS - start)) s, $((size / 1000000)) MB"
echo "$tag"
