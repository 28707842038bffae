#!/usr/bin/env bash
# Starting a Docker Engine the way this project runs one: `dockerd --bridge=none
# --iptables=false` (no bridge, no firewall rules: containers use --network host), in a
# session of its own, waited for with a backoff. Used by scripts/ensure/20-docker.sh (the
# machine's engine) and scripts/fresh/run.sh (a private, empty engine for one run).
# Source scripts/lib/common.sh first.
# shellcheck shell=bash

# engine_answers [DOCKER_HOST]: whether `docker info` answers (on that host, else the default).
engine_answers() {
  if [ -n "${1:-}" ]; then DOCKER_HOST="$1" docker info >/dev/null 2>&1; else docker info >/dev/null 2>&1; fi
}

# overlay_works DATA_ROOT: whether an overlay mount works on that folder (overlay2 storage).
overlay_works() {
  local data_root="$1" probe ok=1
  grep -qw overlay /proc/filesystems 2>/dev/null || modprobe overlay >/dev/null 2>&1 || return 1
  mkdir -p "$data_root"
  probe="$(mktemp -d "$data_root/.app-building-overlay-probe.XXXXXX")" || return 1
  mkdir -p "$probe/lower" "$probe/upper" "$probe/work" "$probe/merged"
  if mount -t overlay overlay -o "lowerdir=$probe/lower,upperdir=$probe/upper,workdir=$probe/work" "$probe/merged" 2>/dev/null; then
    ok=0
    umount "$probe/merged" 2>/dev/null || umount -l "$probe/merged" 2>/dev/null || true
  fi
  rm -rf --one-file-system "$probe"
  return $ok
}

pid_alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }

# start_dockerd LOG_FILE ARG...: starts dockerd with the project's flags plus ARG..., its
# output appended to LOG_FILE, in a session of its own with stdin closed (it outlives the
# caller). Sets engine_pid.
start_dockerd() {
  local log_file="$1"
  shift
  local args=(--bridge=none --iptables=false "$@")
  mkdir -p "$(dirname "$log_file")"
  say "starting dockerd ${args[*]} (log: $log_file)"
  echo "=== $(date -u +%FT%TZ) dockerd ${args[*]}" >>"$log_file"
  setsid dockerd "${args[@]}" >>"$log_file" 2>&1 </dev/null &
  # shellcheck disable=SC2034 # read by the caller
  engine_pid=$!
}

# wait_for_engine PID TIMEOUT_S [DOCKER_HOST]: waits until the engine answers, backing off
# from 0.1 s to 2 s. Returns 1 when the dockerd process PID is gone, 2 after TIMEOUT_S.
wait_for_engine() {
  local pid="$1" timeout_s="$2" host="${3:-}" delay=0.1 waited=0
  while ! engine_answers "$host"; do
    if [ -n "$pid" ] && ! pid_alive "$pid"; then return 1; fi
    if awk -v w="$waited" -v t="$timeout_s" 'BEGIN { exit !(w >= t) }'; then return 2; fi
    sleep "$delay"
    waited="$(awk -v w="$waited" -v d="$delay" 'BEGIN { print w + d }')"
    delay="$(awk -v d="$delay" 'BEGIN { d = d * 2; if (d > 2) d = 2; print d }')"
  done
}

# storage_driver_for DATA_ROOT: overlay2 when overlay mounts work there, else vfs (slower,
# more disk, works everywhere); APP_BUILDING_DOCKER_STORAGE_DRIVER overrides the choice.
storage_driver_for() {
  if [ -n "${APP_BUILDING_DOCKER_STORAGE_DRIVER:-}" ]; then
    echo "$APP_BUILDING_DOCKER_STORAGE_DRIVER"
  elif overlay_works "$1"; then
    echo overlay2
  else
    say "overlay mounts do not work on $1 here: using the vfs storage driver (slower, more disk)"
    echo vfs
  fi
}
