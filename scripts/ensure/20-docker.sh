#!/usr/bin/env bash
# A Docker Engine for the suites that run real containers (the runtime image test, the
# SDK's docker driver), and the locally made base image they build on (docker/base-image.sh).
#   setup  installs the engine (Debian "docker.io") when missing
#   test   also starts the engine when none answers, and makes the base image when missing
#          (docker/base-image.sh, which installs debootstrap when it needs it)
#   start  nothing: the platform itself needs no engine
# Idempotent and safe while an engine already runs. How it all fits: docs/docker.md.
#
# The engine runs as `dockerd --bridge=none --iptables=false`: no bridge network and no
# firewall rules, so containers use `--network host` and reach only what the host reaches.
# Its log goes to $APP_BUILDING_DOCKERD_DIR (default /tmp/app-building-dockerd/dockerd.log).
# Storage driver: overlay2 when an overlay mount works on the engine's data root, else vfs;
# APP_BUILDING_DOCKER_STORAGE_DRIVER overrides the choice.
set -euo pipefail

command="${1:-setup}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
log_dir="${APP_BUILDING_DOCKERD_DIR:-/tmp/app-building-dockerd}"
data_root="${APP_BUILDING_DOCKER_DATA_ROOT:-/var/lib/docker}"
start_timeout_s="${APP_BUILDING_DOCKERD_TIMEOUT_S:-60}"

say() { echo "[ensure/docker] $*"; }
die() {
  echo "[ensure/docker] $*" >&2
  exit 1
}

case "$command" in
  setup | test) ;;
  start)
    say "not needed for start"
    exit 0
    ;;
  *)
    echo "[ensure/docker] unknown command \"$command\": use setup, test or start" >&2
    exit 2
    ;;
esac

engine_answers() { docker info >/dev/null 2>&1; }

apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  local stamp=/var/lib/apt/periodic/app-building-apt-updated
  if [ ! -f "$stamp" ]; then
    apt-get update -qq || die "apt-get update failed: check the machine's package sources"
    mkdir -p "$(dirname "$stamp")" && touch "$stamp"
  fi
  # Another ensure script (or the machine) may hold the dpkg lock for a while: wait for it.
  # Package lists older than the stamp may name versions the mirror dropped: update, retry once.
  apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 "$@" >/dev/null ||
    { say "retrying after apt-get update" && apt-get update -qq && apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 "$@" >/dev/null; } ||
    die "apt-get install $* failed: install it by hand (apt-get install -y $*)"
}

# --- the engine's package (dockerd and the client) ---------------------------------------------
missing=()
if ! engine_answers; then
  command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
fi
if ! command -v docker >/dev/null 2>&1 && [ "${#missing[@]}" -eq 0 ]; then missing+=(docker.io); fi
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" != "0" ]; then
    die "missing ${missing[*]} and this is not root: install with 'sudo apt-get install -y ${missing[*]}', or start Docker yourself"
  fi
  command -v apt-get >/dev/null 2>&1 ||
    die "missing ${missing[*]} and apt-get is not available: install a Docker Engine with your package manager"
  say "installing ${missing[*]} (apt-get install -y ${missing[*]})"
  # The package would start a system-wide engine with a bridge and firewall rules where an
  # init system lets it: forbid that for this install; this script starts its own.
  policy=/usr/sbin/policy-rc.d
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy"
    trap 'rm -f "$policy"' EXIT
  fi
  apt_install "${missing[@]}"
  say "installed ${missing[*]}"
fi

if [ "$command" = "setup" ]; then
  if engine_answers; then say "engine answers ($(docker version --format '{{.Server.Version}}' 2>/dev/null))"; else
    say "engine installed ($(dockerd --version)); \`npm test\` starts it"
  fi
  exit 0
fi

# --- the engine -------------------------------------------------------------------------------
overlay_works() {
  grep -qw overlay /proc/filesystems 2>/dev/null || modprobe overlay >/dev/null 2>&1 || return 1
  mkdir -p "$data_root"
  local probe
  probe="$(mktemp -d "$data_root/.app-building-overlay-probe.XXXXXX")" || return 1
  mkdir -p "$probe/lower" "$probe/upper" "$probe/work" "$probe/merged"
  local ok=1
  if mount -t overlay overlay -o "lowerdir=$probe/lower,upperdir=$probe/upper,workdir=$probe/work" "$probe/merged" 2>/dev/null; then
    ok=0
    umount "$probe/merged" 2>/dev/null || umount -l "$probe/merged" 2>/dev/null || true
  fi
  rm -rf --one-file-system "$probe"
  return $ok
}

daemon_json_sets_driver() { [ -f /etc/docker/daemon.json ] && grep -q '"storage-driver"' /etc/docker/daemon.json; }

pid_alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }

# Waits until `docker info` answers, backing off from 0.1 s to 2 s, for at most
# $start_timeout_s seconds; fails early when the given dockerd process is gone.
wait_for_engine() {
  local pid="$1" delay=0.1 waited=0
  while ! engine_answers; do
    if [ -n "$pid" ] && ! pid_alive "$pid"; then return 1; fi
    if awk -v w="$waited" -v t="$start_timeout_s" 'BEGIN { exit !(w >= t) }'; then return 2; fi
    sleep "$delay"
    waited="$(awk -v w="$waited" -v d="$delay" 'BEGIN { print w + d }')"
    delay="$(awk -v d="$delay" 'BEGIN { d = d * 2; if (d > 2) d = 2; print d }')"
  done
}

start_engine() {
  local driver="$1" args=(--bridge=none --iptables=false --data-root "$data_root")
  [ -n "$driver" ] && args+=(--storage-driver "$driver")
  mkdir -p "$log_dir"
  say "starting dockerd ${args[*]} (log: $log_dir/dockerd.log)"
  echo "=== $(date -u +%FT%TZ) dockerd ${args[*]}" >>"$log_dir/dockerd.log"
  # A session of its own, stdin closed, output to the log: the engine outlives this script.
  setsid dockerd "${args[@]}" >>"$log_dir/dockerd.log" 2>&1 </dev/null &
  engine_pid=$!
}

if engine_answers; then
  say "engine answers: Docker $(docker version --format '{{.Server.Version}}'), storage driver $(docker info --format '{{.Driver}}')"
else
  if [ -n "${DOCKER_HOST:-}" ] && [ "${DOCKER_HOST}" != "unix:///var/run/docker.sock" ]; then
    die "DOCKER_HOST=$DOCKER_HOST does not answer (docker info failed): start that engine, or unset DOCKER_HOST to use a local one"
  fi
  [ "$(id -u)" = "0" ] ||
    die "no Docker Engine answers and this is not root: start one (e.g. 'sudo dockerd --bridge=none --iptables=false &') and run again"

  started="$(date +%s.%N)"
  engine_pid=""
  existing="$(cat /var/run/docker.pid 2>/dev/null || true)"
  if pid_alive "$existing" && grep -q dockerd "/proc/$existing/comm" 2>/dev/null; then
    say "dockerd (pid $existing) is running but does not answer yet: waiting for it"
    engine_pid="$existing"
  else
    # A pid file left by an engine that died would stop the new one from starting.
    [ -n "$existing" ] && rm -f /var/run/docker.pid
    if [ -n "${APP_BUILDING_DOCKER_STORAGE_DRIVER:-}" ]; then
      driver="$APP_BUILDING_DOCKER_STORAGE_DRIVER"
    elif daemon_json_sets_driver; then
      driver="" # /etc/docker/daemon.json chooses; passing the flag too would stop dockerd
    elif overlay_works; then
      driver=overlay2
    else
      say "overlay mounts do not work on $data_root here: using the vfs storage driver (slower, more disk)"
      driver=vfs
    fi
    start_engine "$driver"
  fi

  status=0
  wait_for_engine "$engine_pid" || status=$?
  if [ "$status" -eq 1 ] && [ "${driver:-}" = "overlay2" ] && [ -z "${APP_BUILDING_DOCKER_STORAGE_DRIVER:-}" ]; then
    say "dockerd exited with overlay2; retrying with the vfs storage driver"
    tail -n 5 "$log_dir/dockerd.log" | sed 's/^/  | /'
    driver=vfs
    start_engine vfs
    status=0
    wait_for_engine "$engine_pid" || status=$?
  fi
  if [ "$status" -ne 0 ]; then
    echo "[ensure/docker] the last lines of $log_dir/dockerd.log:" >&2
    tail -n 20 "$log_dir/dockerd.log" 2>/dev/null | sed 's/^/  | /' >&2
    if [ "$status" -eq 1 ]; then
      die "dockerd exited before answering: see the log above ($log_dir/dockerd.log)"
    fi
    die "dockerd did not answer within ${start_timeout_s} s: see $log_dir/dockerd.log"
  fi
  took="$(awk -v s="$started" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }')"
  say "engine answers after ${took} s: Docker $(docker version --format '{{.Server.Version}}'), storage driver $(docker info --format '{{.Driver}}'), pid $(cat /var/run/docker.pid 2>/dev/null || echo "${engine_pid:-?}")"
fi

# --- the base image every runtime image builds on ---------------------------------------------
bash "$root/docker/base-image.sh" >/dev/null
