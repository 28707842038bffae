#!/usr/bin/env bash
# The one preamble every shell script of the project sources:
#   . "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"   (path relative to the script)
#   log_tag="ensure/docker"        # the tag every message carries, set before calling say/die
# It gives say/warn/die, the project's cache folder, root and command checks, and one apt
# installer (one `apt-get update` per machine, the dpkg lock waited for, one retry after a
# fresh update). Nothing here runs on its own: sourcing it only defines.
# shellcheck shell=bash

log_tag="${log_tag:-app-building}"

say() { echo "[$log_tag] $*" >&2; }
die() {
  echo "[$log_tag] $*" >&2
  exit 1
}

# Where downloads and staged files are kept between runs: $APP_BUILDING_CACHE_DIR, else
# $XDG_CACHE_HOME/app-building, else ~/.cache/app-building. Nothing may need it to exist:
# every user of it makes what it needs when it is missing.
# shellcheck disable=SC2034 # for the scripts that source this
cache_dir="${APP_BUILDING_CACHE_DIR:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/app-building}"

is_root() { [ "$(id -u)" = "0" ]; }
have() { command -v "$1" >/dev/null 2>&1; }

# elapsed_since START: seconds since START (a `date +%s.%N` reading), one decimal.
elapsed_since() { awk -v s="$1" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }'; }

# apt_install PACKAGE...: installs Debian packages without recommends, quietly, as root.
# Says what to run by hand when that is not possible (not root, no apt-get, a failed install).
apt_install() {
  is_root || die "$* missing and this is not root: install with 'sudo apt-get install -y --no-install-recommends $*'"
  have apt-get || die "$* missing and apt-get is not available: install $* with your package manager"
  export DEBIAN_FRONTEND=noninteractive
  local stamp=/var/lib/apt/periodic/app-building-apt-updated
  if [ ! -f "$stamp" ]; then
    apt-get update -qq || die "apt-get update failed: check the machine's package sources"
    mkdir -p "$(dirname "$stamp")" && touch "$stamp"
  fi
  # Another script (or the machine) may hold the dpkg lock for a while: wait for it. Package
  # lists older than the stamp may name versions the mirror dropped: update, then retry once.
  local args=(install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 "$@")
  apt-get "${args[@]}" >/dev/null ||
    { say "retrying after apt-get update" && apt-get update -qq && apt-get "${args[@]}" >/dev/null; } ||
    die "apt-get install $* failed: install it by hand (apt-get install -y --no-install-recommends $*)"
}

# ensure_installed COMMAND PACKAGE WHY: installs Debian's PACKAGE when COMMAND is not on PATH,
# saying why it is needed, and checks that COMMAND is there afterwards.
ensure_installed() {
  local cmd="$1" package="$2" why="$3"
  if have "$cmd"; then
    say "$cmd present ($("$cmd" --version 2>/dev/null | head -n 1 | cut -d" " -f1-2))"
    return 0
  fi
  say "installing $package (apt-get install -y $package): $why"
  apt_install "$package"
  have "$cmd" || die "$package installed but $cmd is not on PATH"
  say "installed $cmd ($("$cmd" --version 2>/dev/null | head -n 1 | cut -d" " -f1-2))"
}

# check_command CMD ALLOWED...: exits 2 with a usage message when CMD is not one of ALLOWED.
check_command() {
  local given="$1"
  shift
  local allowed
  for allowed in "$@"; do [ "$given" = "$allowed" ] && return 0; done
  allowed="$(printf '%s, ' "$@")"
  echo "[$log_tag] unknown command \"$given\": use ${allowed%, }" >&2
  exit 2
}
