#!/usr/bin/env bash
# The fresh-machine check: runs the README's two commands where nothing was installed or
# cached before, as on a brand-new machine of this project's kind.
#
#   scripts/fresh/run.sh [--ref REV] [--keep]        (npm run test:fresh)
#
#   --ref REV  the commit to check (default HEAD): it is cloned, so uncommitted changes are
#              not in it
#   --keep     keep the run's folder (logs, the clone, the scratch project) afterwards
#
# 1. makes (once, reused while its inputs are unchanged) the new-machine image
#    (scripts/fresh/machine-image.sh);
# 2. starts a private, empty Docker Engine for this run alone, so no image, layer or build
#    cache of this machine's engine can stand in for one the commands must make;
# 3. clones the commit into a new folder (on a branch, as a user's clone is) and runs the
#    clone's scripts/fresh/inside.sh there in the new-machine image (root, host network,
#    the private engine's socket, empty HOME and TMPDIR, free ports for the platform). The
#    folder has the same path inside and outside, so paths that the suites hand to the
#    engine mean the same to it.
# Exits 1 when any step failed, keeping the logs (their folder is printed). Its last lines are
# the figures as JSON and one summary line over the test suites and the steps.
# Needs root and a Docker Engine (scripts/ensure/20-docker.sh engine starts one). A run takes
# 20 to 35 minutes on 2 cores (APP_BUILDING_FRESH_TIMEOUT_S, default 4800, bounds it).
set -euo pipefail
log_tag=fresh
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/common.sh
. "$here/../lib/common.sh"
# shellcheck source=../lib/docker-engine.sh
. "$here/../lib/docker-engine.sh"
# shellcheck source=../lib/debian-tree.sh
. "$here/../lib/debian-tree.sh"
root="$(cd "$here/../.." && pwd)"

ref=HEAD
keep=0
while [ "$#" -gt 0 ]; do
  case "$1" in
    --ref)
      [ "$#" -ge 2 ] || die "--ref needs a revision"
      ref="$2"
      shift
      ;;
    --keep) keep=1 ;;
    -h | --help)
      awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"
      exit 0
      ;;
    *) die "unknown argument \"$1\": use --ref REV or --keep" ;;
  esac
  shift
done
is_root || die "the fresh-machine check needs root (a private Docker Engine, a container with root's capabilities)"
commit="$(git -C "$root" rev-parse --verify "$ref^{commit}")" || die "no commit \"$ref\" in $root"
if [ "$ref" = HEAD ] && [ -n "$(git -C "$root" status --porcelain)" ]; then
  say "the work tree has uncommitted changes: they are not checked (the commit $commit is)"
fi

started="$(date +%s.%N)"
bash "$root/scripts/ensure/20-docker.sh" engine

# Folders of runs that were killed (their private engine is gone): swept before a new run.
while read -r stale; do
  pid="$(cat "$stale/engine/dockerd.pid" 2>/dev/null || true)"
  if ! pid_alive "$pid"; then
    docker rm --force "app-building-fresh-${stale##*.}" >/dev/null 2>&1 || true
    say "removing $stale, left by a run that was killed"
    remove_tree "$stale"
  fi
done < <(find /var/tmp -mindepth 1 -maxdepth 1 -type d -name 'abf.*' -mmin +5)

# A short path: unix sockets under it must stay within 108 bytes.
run_dir="$(mktemp -d /var/tmp/abf.XXXXXX)"
engine_dir="$run_dir/engine"
socket="unix://$engine_dir/docker.sock"
container="app-building-fresh-${run_dir##*.}"
engine_pid=""
status=1
# shellcheck disable=SC2317 # run by the trap
cleanup() {
  local rc=$?
  set +e
  trap - EXIT INT TERM HUP
  [ "$rc" -ne 0 ] || rc="$status"
  docker rm --force "$container" >/dev/null 2>&1
  if [ -n "$engine_pid" ] && pid_alive "$engine_pid"; then
    # shellcheck disable=SC2046 # one id per word
    DOCKER_HOST="$socket" docker rm --force $(DOCKER_HOST="$socket" docker ps -aq) >/dev/null 2>&1
    kill "$engine_pid" 2>/dev/null
    for _ in $(seq 1 100); do pid_alive "$engine_pid" || break; sleep 0.2; done
    pid_alive "$engine_pid" && kill -9 "$engine_pid" 2>/dev/null
  fi
  # The engine's mounts (overlay layers, its exec root) go before the folder does.
  unmount_under "$run_dir"
  if [ "$keep" = 1 ]; then
    say "kept $run_dir"
  elif [ "$rc" -ne 0 ]; then
    # A failed run keeps what says why: its logs and the platform's service logs.
    local logs="/var/tmp/app-building-fresh-logs.${run_dir##*.}"
    cp -a "$run_dir/repo/.data/logs" "$run_dir/out/platform-logs" 2>/dev/null
    rm -rf "$run_dir/out/scratch" "$run_dir/out/packs"
    mv "$run_dir/out" "$logs" && say "the logs of this failed run are in $logs"
    remove_tree "$run_dir"
  else
    remove_tree "$run_dir"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

mkdir -p "$engine_dir/data" "$engine_dir/exec" "$run_dir/home" "$run_dir/tmp" "$run_dir/out"
chmod 0700 "$run_dir/home"
# An engine of its own: none of this machine's daemon.json, containerd namespace, images or
# build cache.
echo '{}' >"$engine_dir/daemon.json"
driver="$(storage_driver_for "$engine_dir/data")"
start_dockerd "$run_dir/out/dockerd.log" --config-file "$engine_dir/daemon.json" --host "$socket" \
  --data-root "$engine_dir/data" --exec-root "$engine_dir/exec" --pidfile "$engine_dir/dockerd.pid" \
  --containerd-namespace "fresh-${run_dir##*.}" --containerd-plugins-namespace "fresh-${run_dir##*.}-plugins" \
  --storage-driver "$driver"
engine_status=0
wait_for_engine "$engine_pid" 60 "$socket" || engine_status=$?
if [ "$engine_status" -ne 0 ]; then
  tail -n 20 "$run_dir/out/dockerd.log" | sed 's/^/  | /' >&2
  die "the private Docker Engine did not answer (see above)"
fi
[ -z "$(DOCKER_HOST="$socket" docker images -q)" ] || die "the private Docker Engine is not empty"

say "cloning $commit into $run_dir/repo"
git clone --quiet --no-hardlinks "$root" "$run_dir/repo"
git -C "$run_dir/repo" checkout --quiet -B fresh-check "$commit"
# The image is made by the commit's own script, like everything that runs inside it.
image="$(bash "$run_dir/repo/scripts/fresh/machine-image.sh" | tail -n 1)"

# As root on a machine of its own: every capability this machine's root has (asking for one
# its bounding set lacks, as --privileged does, fails here), no seccomp or AppArmor filter, so
# debootstrap can mount and dockerd's clients run as on a real machine.
cap_names=(CHOWN DAC_OVERRIDE DAC_READ_SEARCH FOWNER FSETID KILL SETGID SETUID SETPCAP LINUX_IMMUTABLE
  NET_BIND_SERVICE NET_BROADCAST NET_ADMIN NET_RAW IPC_LOCK IPC_OWNER SYS_MODULE SYS_RAWIO SYS_CHROOT
  SYS_PTRACE SYS_PACCT SYS_ADMIN SYS_BOOT SYS_NICE SYS_RESOURCE SYS_TIME SYS_TTY_CONFIG MKNOD LEASE
  AUDIT_WRITE AUDIT_CONTROL SETFCAP MAC_OVERRIDE MAC_ADMIN SYSLOG WAKE_ALARM BLOCK_SUSPEND AUDIT_READ
  PERFMON BPF CHECKPOINT_RESTORE)
bounding="$((16#$(awk '/^CapBnd:/ { print $2 }' /proc/self/status)))"
caps=(--cap-add ALL)
for bit in "${!cap_names[@]}"; do
  (((bounding >> bit) & 1)) || caps+=(--cap-drop "${cap_names[$bit]}")
done

# The machine's own settings a new machine has too (certificate bundles, proxies, CI); nothing
# of this user's state. Free ports for the platform, so a platform already running here (or
# another check) is left alone.
pass=()
for name in NODE_EXTRA_CA_CERTS SSL_CERT_FILE SSL_CERT_DIR GIT_SSL_CAINFO CURL_CA_BUNDLE REQUESTS_CA_BUNDLE \
  http_proxy https_proxy no_proxy HTTP_PROXY HTTPS_PROXY NO_PROXY CI; do
  [ -n "${!name:-}" ] && pass+=(--env "$name")
done
free_port() { node -e 'const s = require("node:net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'; }
pass+=(--env "CORE_BACK_PORT=$(free_port)" --env "CONSOLE_PORT=$(free_port)")

say "running the README's commands in $image (logs in $run_dir/out)"
status=0
timeout --kill-after=60 "${APP_BUILDING_FRESH_TIMEOUT_S:-4800}" docker run --rm --init --name "$container" \
  "${caps[@]}" --security-opt seccomp=unconfined --security-opt apparmor=unconfined \
  --network host --shm-size 2g \
  --volume "$run_dir:$run_dir" --volume "$engine_dir/docker.sock:/var/run/docker.sock" \
  --workdir "$run_dir/repo" "${pass[@]}" \
  --env HOME="$run_dir/home" --env TMPDIR="$run_dir/tmp" --env FRESH_OUT="$run_dir/out" \
  "$image" bash scripts/fresh/inside.sh </dev/null || status=$?
[ "$status" -ne 124 ] || say "the run took longer than ${APP_BUILDING_FRESH_TIMEOUT_S:-4800} s and was stopped"
say "fresh-machine check $([ "$status" -eq 0 ] && echo passed || echo "failed (exit $status)") in $(elapsed_since "$started") s"
grep -E '^fresh: [0-9]+ passed, [0-9]+ failed' "$run_dir/out/summary.txt" 2>/dev/null | tail -n 1 ||
  echo "fresh: 0 passed, 1 failed"
exit "$status"
