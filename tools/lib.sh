# Shared by tools/run, tools/test and tools/bench. Sourced, not run.
# shellcheck shell=bash

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

say () { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# Installs the Debian packages of tools/packages.txt that are missing.
ensure_packages () {
  local wanted missing sudo=""
  wanted=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$TOP/tools/packages.txt")
  # shellcheck disable=SC2086
  missing=$(dpkg-query -W -f='${Package} ${db:Status-Status}\n' $wanted 2>/dev/null \
              | awk '$2 == "installed" { print $1 }' \
              | sort | comm -13 - <(printf '%s\n' $wanted | sort))
  [ -z "$missing" ] && return 0

  [ "$(id -u)" -ne 0 ] && sudo=sudo
  say "Installing missing packages:" $missing
  # The simulated home network starts its own miniupnpd in each router namespace; the
  # package's system service must stay off.
  echo "miniupnpd miniupnpd/start_daemon boolean false" | $sudo debconf-set-selections
  $sudo apt-get update -q
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends $missing
}

# meson setup that only reconfigures when the folder exists: re-runs stay quick.
setup_build () {
  local dir=$1; shift
  if [ -f "$dir/build.ninja" ]; then
    meson configure "$dir" "$@" >/dev/null
  else
    meson setup "$dir" "$@"
  fi
}
