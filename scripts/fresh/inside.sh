#!/usr/bin/env bash
# What the fresh-machine check runs inside the new machine (scripts/fresh/run.sh starts it
# in the checkout under test, with HOME and TMPDIR empty folders):
#   1. the README's test command, `npm test`;
#   2. the README's start command, `npm start`, then core-back, the console and a self-deploy
#      must answer (scripts/fresh/check-platform.mjs), then `npm run stop`;
#   3. both published packages packed, installed with plain npm into a scratch project,
#      imported from strict TypeScript, and a process container with a command agent
#      started, prompted and stopped (scripts/fresh/scratch/index.ts).
# Every step runs even when one before it failed; the exit status is 1 when any failed. The
# last lines are the figures as JSON, then the test summary line of step 1.
set -uo pipefail
log_tag=fresh
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/common.sh
. "$here/../lib/common.sh"
repo="$(cd "$here/../.." && pwd)"
out="${FRESH_OUT:?FRESH_OUT names the folder for logs and figures}"
mkdir -p "$out"
cd "$repo" || die "no checkout at $repo"

failed=()
figures=()
# step NAME COMMAND...: runs it, records its seconds as a figure, and its failure.
step() {
  local name="$1" t0 status=0
  shift
  say "== $name: $*"
  t0="$(date +%s.%N)"
  "$@" || status=$?
  figures+=("\"${name}_s\": $(elapsed_since "$t0")")
  if [ "$status" -ne 0 ]; then
    failed+=("$name (exit $status)")
    say "== $name failed (exit $status)"
  fi
  return 0
}

run_tests() { npm test 2>&1 | tee "$out/test.log"; }

run_platform() {
  local status=0
  npm start 2>&1 | tee "$out/start.log"
  status=${PIPESTATUS[0]}
  if [ "$status" -eq 0 ]; then node scripts/fresh/check-platform.mjs "$out/deploy-answer.json" || status=$?; fi
  npm run stop 2>&1 | tee "$out/stop.log" || status=$?
  return "$status"
}

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
    figures_file="$out/sdk-install.json"
    printf '{"sdk_install_s": %s, "sdk_node_modules_mb": %s}\n' "$(elapsed_since "$t0")" \
      "$(du -sm node_modules | cut -f1)" >"$figures_file"
    if grep -q EBADENGINE "$out/sdk-install.log"; then
      say "installing the SDK warned EBADENGINE: a dependency wants another Node"
      exit 1
    fi
    npm install --no-audit --no-fund --save-dev typescript@5.9.3 @types/node@20.19.9 >/dev/null 2>&1 || exit 1
    npx tsc --strict --module nodenext --moduleResolution nodenext --target es2022 --types node \
      --skipLibCheck false --outDir dist index.ts || exit 1
    DEPLOY_ANSWER="$out/deploy-answer.json" node dist/index.js
  )
}

step test run_tests
step platform run_platform
step packages run_packages

[ -f "$out/sdk-install.json" ] && figures+=("$(sed 's/^{//; s/}$//' "$out/sdk-install.json")")
say "failed steps: ${failed[*]:-none}"
echo "{\"fresh_machine\": {$(IFS=,; echo "${figures[*]}")}, \"failed\": ${#failed[@]}}"
grep -E '^tests: [0-9]+ passed, [0-9]+ failed' "$out/test.log" | tail -n 1
[ "${#failed[@]}" -eq 0 ]
