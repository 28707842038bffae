#!/usr/bin/env bash
# A Docker Engine for the suites that run real containers (the runtime image test, the
# SDK's docker driver), and the locally made base image they build on (docker/base-image.sh).
#   setup  installs the engine (Debian "docker.io") when missing
#   test   also starts the engine when none answers, and makes the base image when missing
#          (docker/base-image.sh, which installs debootstrap when it needs it)
#   engine what test does but the base image: an engine that answers
#   start  nothing: the platform itself needs no engine
# Idempotent and safe while an engine already runs. How it all fits: docs/docker.md.
#
# The engine runs as `dockerd --bridge=none --iptables=false`: no bridge network and no
# firewall rules, so containers use `--network host` and reach only what the host reaches.
# Its log goes to $APP_BUILDING_DOCKERD_DIR (default /tmp/app-building-dockerd/dockerd.log).
# Storage driver: overlay2 when an overlay mount works on the engine's data root, else vfs;
# APP_BUILDING_DOCKER_STORAGE_DRIVER overrides the choice.
set -euo pipefail
log_tag=ensure/docker
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/common.sh
. "$here/../lib/common.sh"
# shellcheck source=../lib/docker-engine.sh
. "$here/../lib/docker-engine.sh"

command="${1:-setup}"
check_command "$command" setup test engine start
if [ "$command" = start ]; then
  say "not needed for start"
  exit 0
fi
root="$(cd "$here/../.." && pwd)"
log_file="${APP_BUILDING_DOCKERD_DIR:-/tmp/app-building-dockerd}/dockerd.log"
data_root="${APP_BUILDING_DOCKER_DATA_ROOT:-/var/lib/docker}"
start_timeout_s="${APP_BUILDING_DOCKERD_TIMEOUT_S:-60}"

# --- the engine's package (dockerd and the client) ---------------------------------------------
if ! have docker || { ! engine_answers && ! have dockerd; }; then
  say "installing docker.io (apt-get install -y docker.io)"
  # The package would start a system-wide engine with a bridge and firewall rules where an
  # init system lets it: forbid that for this install; this script starts its own.
  policy=/usr/sbin/policy-rc.d
  # One this script left when an install of it was killed is removed first.
  if [ -e "$policy" ] && grep -q 'app-building: for the docker.io install' "$policy"; then rm -f "$policy"; fi
  if is_root && [ ! -e "$policy" ]; then
    printf '#!/bin/sh\n# app-building: for the docker.io install only\nexit 101\n' >"$policy" && chmod 755 "$policy"
    trap 'rm -f "$policy"' EXIT
  fi
  apt_install docker.io
  say "installed docker.io"
fi

if [ "$command" = setup ]; then
  if engine_answers; then say "engine answers ($(docker version --format '{{.Server.Version}}' 2>/dev/null))"; else
    say "engine installed ($(dockerd --version)); \`npm test\` starts it"
  fi
  exit 0
fi

# --- the engine -------------------------------------------------------------------------------
daemon_json_sets_driver() { [ -f /etc/docker/daemon.json ] && grep -q '"storage-driver"' /etc/docker/daemon.json; }

if engine_answers; then
  say "engine answers: Docker $(docker version --format '{{.Server.Version}}'), storage driver $(docker info --format '{{.Driver}}')"
else
  if [ -n "${DOCKER_HOST:-}" ] && [ "${DOCKER_HOST}" != "unix:///var/run/docker.sock" ]; then
    die "DOCKER_HOST=$DOCKER_HOST does not answer (docker info failed): start that engine, or unset DOCKER_HOST to use a local one"
  fi
  is_root ||
    die "no Docker Engine answers and this is not root: start one (e.g. 'sudo dockerd --bridge=none --iptables=false &') and run again"

  started="$(date +%s.%N)"
  engine_pid=""
  driver=""
  existing="$(cat /var/run/docker.pid 2>/dev/null || true)"
  if pid_alive "$existing" && grep -q dockerd "/proc/$existing/comm" 2>/dev/null; then
    say "dockerd (pid $existing) is running but does not answer yet: waiting for it"
    engine_pid="$existing"
  else
    # A pid file left by an engine that died would stop the new one from starting.
    [ -n "$existing" ] && rm -f /var/run/docker.pid
    # /etc/docker/daemon.json may choose the driver: passing the flag too would stop dockerd.
    daemon_json_sets_driver || driver="$(storage_driver_for "$data_root")"
    start_dockerd "$log_file" --data-root "$data_root" ${driver:+--storage-driver "$driver"}
  fi

  status=0
  wait_for_engine "$engine_pid" "$start_timeout_s" || status=$?
  if [ "$status" -eq 1 ] && [ "$driver" = overlay2 ] && [ -z "${APP_BUILDING_DOCKER_STORAGE_DRIVER:-}" ]; then
    say "dockerd exited with overlay2; retrying with the vfs storage driver"
    tail -n 5 "$log_file" | sed 's/^/  | /' >&2
    driver=vfs
    start_dockerd "$log_file" --data-root "$data_root" --storage-driver vfs
    status=0
    wait_for_engine "$engine_pid" "$start_timeout_s" || status=$?
  fi
  if [ "$status" -ne 0 ]; then
    say "the last lines of $log_file:"
    tail -n 20 "$log_file" 2>/dev/null | sed 's/^/  | /' >&2
    [ "$status" -eq 1 ] && die "dockerd exited before answering: see the log above ($log_file)"
    die "dockerd did not answer within ${start_timeout_s} s: see $log_file"
  fi
  say "engine answers after $(elapsed_since "$started") s: Docker $(docker version --format '{{.Server.Version}}'), storage driver $(docker info --format '{{.Driver}}'), pid $(cat /var/run/docker.pid 2>/dev/null || echo "${engine_pid:-?}")"
fi

# --- the base image every runtime image builds on ---------------------------------------------
if [ "$command" = test ]; then bash "$root/docker/base-image.sh" >/dev/null; fi
