# Sourced by demo.sh, image.sh and .ci/run: installs the missing tools of lab/packages.txt.
#   install_missing WHO GROUP...   WHO names the caller in what it prints
# Returns 0 when every tool of the groups is there (after installing, as root), 1 otherwise
# (not root: it prints what is missing and the command that would install it).
packages_file="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/packages.txt"

missing_packages() {
  local group cmd pkg rest
  while read -r group cmd pkg rest; do
    case $group in ''|'#'*) continue ;; esac
    for want in "$@"; do
      # sbin too: a user's PATH often lacks it, and nft and ip live there
      if [ "$group" = "$want" ] && ! PATH="$PATH:/usr/sbin:/sbin" command -v "$cmd" >/dev/null 2>&1; then echo "$pkg"; fi
    done
  done < "$packages_file"
}

install_missing() {
  local who=$1; shift
  local need
  need=$(missing_packages "$@" | sort -u | tr '\n' ' ')
  need=${need% }
  [ -z "$need" ] && return 0
  local cmd="apt-get install -y --no-install-recommends $need"
  if [ "$(id -u)" != 0 ]; then
    echo "$who: missing packages: $need (not root, so not installing them: sudo apt-get update && sudo $cmd)" >&2
    return 1
  fi
  echo "$who: installing the missing packages $need (groups: $*; list: lab/packages.txt)" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $cmd -q
  [ -z "$(missing_packages "$@")" ]
}
