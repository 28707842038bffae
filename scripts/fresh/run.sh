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
# 3. clones the commit into a new folder and runs scripts/fresh/inside.sh there in the
#    new-machine image (root, host network, the private engine's socket, empty HOME and
#    TMPDIR). The folder has the same path inside and outside, so paths that the suites
#    hand to the engine mean the same to it.
# Exits 1 when any step failed. Its last lines are the figures as JSON and the test summary.
# Needs root and a Docker Engine (scripts/ensure/20-docker.sh engine starts one).
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
      sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *) die "unknown argument \"$1\": use --ref REV or --keep" ;;
  esac
  shift
done
is_root || die "the fresh-machine check needs root (a private Docker Engine, a privileged container)"
commit="$(git -C "$root" rev-parse --verify "$ref^{commit}")" || die "no commit \"$ref\" in $root"
if [ "$ref" = HEAD ] && [ -n "$(git -C "$root" status --porcelain)" ]; then
  say "the work tree has uncommitted changes: they are not checked (the commit $commit is)"
fi

started="$(date +%s.%N)"
bash "$root/scripts/ensure/20-docker.sh" engine
image="$(bash "$here/machine-image.sh" | tail -n 1)"

# A short path: unix sockets under it must stay within 108 bytes.
run_dir="$(mktemp -d /var/tmp/abf.XXXXXX)"
engine_dir="$run_dir/engine"
socket="unix://$engine_dir/docker.sock"
container="app-building-fresh-${run_dir##*.}"
engine_pid=""
# shellcheck disable=SC2317 # run by the trap
cleanup() {
  docker rm --force "$container" >/dev/null 2>&1 || true
  if [ -n "$engine_pid" ] && pid_alive "$engine_pid"; then
    # shellcheck disable=SC2046 # one id per word
    DOCKER_HOST="$socket" docker rm --force $(DOCKER_HOST="$socket" docker ps -aq) >/dev/null 2>&1 || true
    kill "$engine_pid" 2>/dev/null || true
    for _ in $(seq 1 100); do pid_alive "$engine_pid" || break; sleep 0.2; done
    pid_alive "$engine_pid" && kill -9 "$engine_pid" 2>/dev/null
  fi
  # The engine's mounts (overlay layers, its exec root) go before the folder does.
  if [ "$keep" = 1 ]; then unmount_under "$run_dir" && say "kept $run_dir"; else remove_tree "$run_dir"; fi
}
trap cleanup EXIT

mkdir -p "$engine_dir/data" "$engine_dir/exec" "$run_dir/home" "$run_dir/tmp" "$run_dir/out"
chmod 0700 "$run_dir/home"
driver="$(storage_driver_for "$engine_dir/data")"
start_dockerd "$run_dir/out/dockerd.log" --host "$socket" --data-root "$engine_dir/data" \
  --exec-root "$engine_dir/exec" --pidfile "$engine_dir/dockerd.pid" --storage-driver "$driver"
status=0
wait_for_engine "$engine_pid" 60 "$socket" || status=$?
if [ "$status" -ne 0 ]; then
  tail -n 20 "$run_dir/out/dockerd.log" | sed 's/^/  | /' >&2
  die "the private Docker Engine did not answer (see above)"
fi

say "cloning $commit into $run_dir/repo"
git clone --quiet --no-hardlinks "$root" "$run_dir/repo"
git -C "$run_dir/repo" checkout --quiet --detach "$commit"

# The machine's own settings a new machine has too (certificate bundles, proxies); nothing
# of this user's state.
pass=()
for name in NODE_EXTRA_CA_CERTS SSL_CERT_FILE SSL_CERT_DIR GIT_SSL_CAINFO CURL_CA_BUNDLE REQUESTS_CA_BUNDLE \
  http_proxy https_proxy no_proxy HTTP_PROXY HTTPS_PROXY NO_PROXY; do
  [ -n "${!name:-}" ] && pass+=(--env "$name")
done
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
say "running the README's commands in $image (logs in $run_dir/out)"
status=0
docker run --rm --name "$container" "${caps[@]}" --security-opt seccomp=unconfined \
  --security-opt apparmor=unconfined --network host --shm-size 2g \
  --volume "$run_dir:$run_dir" --volume "$engine_dir/docker.sock:/var/run/docker.sock" \
  --workdir "$run_dir/repo" "${pass[@]}" \
  --env CI=true --env HOME="$run_dir/home" --env TMPDIR="$run_dir/tmp" --env FRESH_OUT="$run_dir/out" \
  "$image" bash scripts/fresh/inside.sh </dev/null || status=$?
say "fresh-machine check $([ "$status" -eq 0 ] && echo passed || echo "failed (exit $status)") in $(elapsed_since "$started") s"
grep -E '^tests: [0-9]+ passed, [0-9]+ failed' "$run_dir/out/test.log" 2>/dev/null | tail -n 1
exit "$status"
