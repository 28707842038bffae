#!/usr/bin/env bash
# What the fresh-machine check runs inside the new machine (scripts/fresh/run.sh starts it
# in the checkout under test, with HOME and TMPDIR empty folders):
#   1. the README's start command, `npm start`, first, on the untouched clone, as a new user
#      would; then core-back, the console and a self-deploy must answer
#      (scripts/fresh/check-platform.mjs); then `npm run stop`;
#   2. the README's test command, `npm test`;
#   3. both published packages packed, installed with plain npm into a scratch project,
#      imported from strict TypeScript, and a process container with a command agent
#      started, prompted and stopped (scripts/fresh/scratch/index.ts).
# Every step runs even when one before it failed; the exit status is 1 when any failed. The
# last lines are the figures as JSON and one summary line, "fresh: N passed, N failed", that
# counts the test suites' tests and the other steps (also written to $FRESH_OUT/summary.txt).
set -uo pipefail
log_tag=fresh
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/common.sh
. "$here/../lib/common.sh"
repo="$(cd "$here/../.." && pwd)"
out="${FRESH_OUT:?FRESH_OUT names the folder for logs and figures}"
mkdir -p "$out"
cd "$repo" || die "no checkout at $repo"
trap 'exit 130' INT
trap 'exit 143' TERM

failed=()
declare -A result=()
figures=()
# step NAME COMMAND...: runs it, records its seconds as a figure, and its exit status.
step() {
  local name="$1" t0 status=0
  shift
  say "== $name: $*"
  t0="$(date +%s.%N)"
  "$@" || status=$?
  figures+=("\"${name}_s\": $(elapsed_since "$t0")")
  result[$name]="$status"
  if [ "$status" -ne 0 ]; then
    failed+=("$name (exit $status)")
    say "== $name failed (exit $status)"
  fi
  return 0
}

run_platform() {
  local status=0
  # The usual umask, which leaves new files readable by everyone: the platform must not rely on a stricter one.
  umask 022
  npm start 2>&1 | tee "$out/start.log"
  status=${PIPESTATUS[0]}
  if [ "$status" -eq 0 ]; then node scripts/fresh/check-platform.mjs "$out/deploy-answer.json" || status=$?; fi
  npm run stop 2>&1 | tee "$out/stop.log" || status=$?
  return "$status"
}

run_tests() { npm test 2>&1 | tee "$out/test.log"; }

run_packages() {
  local packs="$out/packs" scratch="$out/scratch" t0 sdk types
  rm -rf "$packs" "$scratch" && mkdir -p "$packs" "$scratch"
  # pnpm pack writes catalog: and workspace: versions as the real ones, as a publish does.
  .tools/bin/pnpm --filter @app-building/types --filter @app-building/sdk pack --pack-destination "$packs" >/dev/null || return 1
  types="$(ls "$packs"/app-building-types-*.tgz)" && sdk="$(ls "$packs"/app-building-sdk-*.tgz)" || return 1
  cp scripts/fresh/scratch/index.ts "$scratch/index.ts"
  (
    cd "$scratch" || exit 1
    printf '{ "name": "scratch", "private": true, "type": "module" }\n' >package.json
    t0="$(date +%s.%N)"
    npm install --no-audit --no-fund "$types" "$sdk" 2>&1 | tee "$out/sdk-install.log" || exit 1
    printf '{"sdk_install_s": %s, "sdk_node_modules_mb": %s}\n' "$(elapsed_since "$t0")" \
      "$(du -sm node_modules | cut -f1)" >"$out/sdk-install.json"
    if grep -q EBADENGINE "$out/sdk-install.log"; then
      say "installing the SDK warned EBADENGINE: a dependency wants another Node"
      exit 1
    fi
    npm install --no-audit --no-fund --save-dev typescript@5.9.3 @types/node@20.19.9 >/dev/null 2>&1 || exit 1
    npx tsc --strict --module nodenext --moduleResolution nodenext --target es2022 --types node \
      --skipLibCheck false --outDir dist index.ts || exit 1
    # The self-deploy answer of step 1, parsed with the types package, when there is one.
    if [ -s "$out/deploy-answer.json" ]; then export DEPLOY_ANSWER="$out/deploy-answer.json"; fi
    node dist/index.js
  )
}

step platform run_platform
step test run_tests
step packages run_packages

[ -f "$out/sdk-install.json" ] && figures+=("$(sed 's/^{//; s/}$//' "$out/sdk-install.json")")
say "failed steps: ${failed[*]:-none}"
echo "{\"fresh_machine\": {$(IFS=,; echo "${figures[*]}")}, \"failed_steps\": ${#failed[@]}}"
# One closing line: the test step counted by its tests (as one failure when it failed without
# a failing test, e.g. in its set-up), every other step as one.
summary="$(grep -E '^tests: [0-9]+ passed, [0-9]+ failed' "$out/test.log" 2>/dev/null | tail -n 1)"
total_passed="$(echo "$summary" | sed -nE 's/^tests: ([0-9]+) passed.*/\1/p')"
total_failed="$(echo "$summary" | sed -nE 's/^tests: [0-9]+ passed, ([0-9]+) failed.*/\1/p')"
total_passed="${total_passed:-0}" total_failed="${total_failed:-0}"
[ "${result[test]}" -eq 0 ] || [ "$total_failed" -gt 0 ] || total_failed=1
for name in platform packages; do
  if [ "${result[$name]}" -eq 0 ]; then total_passed=$((total_passed + 1)); else total_failed=$((total_failed + 1)); fi
done
echo "fresh: $total_passed passed, $total_failed failed" | tee "$out/summary.txt"
[ "${#failed[@]}" -eq 0 ]
