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
              | sort -u | comm -13 - <(printf '%s\n' $wanted | sort -u))
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

# --- portier-helper tests: installing firewalld and ufw leaves this machine's firewall alone ---
# The helper's integration tests run their own firewalld and ufw inside namespaces. The
# packages must not switch a firewall on for this machine: while they are installed, a
# policy-rc.d (Debian's way to keep maintainer scripts from starting services) refuses
# to start them, and the services of the ones this run installed are then disabled, so
# they do not start at the next boot either. A machine that already had them keeps its
# own setup: only packages that were missing are touched.
if ! declare -F _portier_ensure_packages_unguarded >/dev/null; then
  eval "$(declare -f ensure_packages | sed '1s/^ensure_packages /_portier_ensure_packages_unguarded /')"
fi

ensure_packages () {
  local policy=/usr/sbin/policy-rc.d sudo="" placed="" status fresh="" pkg
  [ "$(id -u)" -ne 0 ] && sudo=sudo

  for pkg in firewalld ufw; do
    if grep -qx "$pkg" <(sed -e 's/#.*//' -e 's/[[:space:]]//g' "$TOP/tools/packages.txt") &&
       ! dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null | grep -qx installed; then
      fresh="$fresh $pkg"
    fi
  done

  if [ -n "$fresh" ] && [ ! -e "$policy" ]; then
    printf '#!/bin/sh\n# Portier tools/lib.sh: no firewall service starts while it installs packages\ncase "$1" in firewalld*|ufw*) exit 101 ;; esac\nexit 0\n' |
      $sudo tee "$policy" >/dev/null && $sudo chmod 755 "$policy" && placed=1
  fi

  _portier_ensure_packages_unguarded "$@"
  status=$?

  [ -n "$placed" ] && $sudo rm -f "$policy"
  for pkg in $fresh; do
    dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null | grep -qx installed || continue
    say "Keeping the $pkg service off: the tests run their own $pkg"
    if [ -d /run/systemd/system ]; then
      $sudo systemctl disable --now "$pkg.service" >/dev/null 2>&1 || true
    elif command -v update-rc.d >/dev/null; then
      $sudo update-rc.d "$pkg" disable >/dev/null 2>&1 || true
    fi
  done
  return $status
}
# --- end of portier-helper block ---
