#!/usr/bin/env bash
# Builds the container-runtime image (apps/container-runtime/Dockerfile) that the SDK's docker
# driver runs, making the base image first when it is missing (docker/base-image.sh).
#
#   docker/build-runtime-image.sh [--force] [--no-build] [[--tag] NAME]
#
#   --force     rebuild from scratch (dependencies staged anew, no layer cache) even when the
#               image is up to date
#   --no-build  use the runtime's dist/ as it is (the caller built it) instead of running
#               turbo's build of @app-building/container-runtime and the skills first
#   NAME        the image's name (default $APP_BUILDING_RUNTIME_IMAGE, else $IMAGE_REF,
#               else app-building/container-runtime:latest)
#
# The image is rebuilt only when missing or when something it is made from changed (its
# label app-building.inputs holds the hash of docker/runtime-inputs.mjs). The build needs no
# image registry: the production node_modules are staged from pnpm's store (pnpm deploy; the
# npm registry only for package metadata pnpm's cache lacks), once per set of dependencies,
# and kept in $APP_BUILDING_CACHE_DIR (default ~/.cache/app-building); nothing needs that
# cache to exist.
# Prints the image's name on its last line.
set -euo pipefail

log_tag=runtime-image
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../scripts/lib/common.sh
. "$here/../scripts/lib/common.sh"

root="$(cd "$here/.." && pwd)"
image="${APP_BUILDING_RUNTIME_IMAGE:-${IMAGE_REF:-app-building/container-runtime:latest}}"
force=0
build=1
while [ "$#" -gt 0 ]; do
  case "$1" in
    --force) force=1 ;;
    --no-build) build=0 ;;
    --tag)
      [ "$#" -ge 2 ] || die "--tag needs a name"
      image="$2"
      shift
      ;;
    -h | --help)
      sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    -*) die "unknown option \"$1\": use --force, --no-build or --tag NAME" ;;
    *) image="$1" ;;
  esac
  shift
done

if [ -x "$root/.tools/bin/pnpm" ]; then pnpm="$root/.tools/bin/pnpm"; else pnpm="$(command -v pnpm || true)"; fi
[ -n "$pnpm" ] || die "pnpm is not installed: run 'npm run setup' first"
PATH="$(dirname "$pnpm"):$PATH" # turbo runs the package manager by name
export PATH
docker info >/dev/null 2>&1 ||
  die "no Docker Engine answers (docker info failed): run 'bash scripts/ensure/20-docker.sh test' as root, or start Docker"

mkdir -p "$cache_dir"
exec 8>"$cache_dir/runtime-image.lock"
flock 8
started="$(date +%s)"

base="$(bash "$here/base-image.sh" | tail -n 1)"
base_id="$(docker image inspect --format '{{.Id}}' "$base")"

if [ "$build" = 1 ]; then
  say "building the runtime and the skills (turbo)"
  (cd "$root" && TURBO_NO_UPDATE_NOTIFIER=1 TURBO_TELEMETRY_DISABLED=1 "$pnpm" exec turbo run build \
    --filter=@app-building/container-runtime... --filter=@app-building/skills \
    --ui=stream --output-logs=errors-only >&2) || die "the runtime does not build: fix the errors above"
fi
for built in apps/container-runtime/dist/main.js skills/dist/index.js; do
  [ -f "$root/$built" ] || die "$built is missing: build first (pnpm exec turbo run build --filter=@app-building/container-runtime... --filter=@app-building/skills)"
done

read -r deps_hash inputs < <(cd "$root" && PNPM="$pnpm" node "$here/runtime-inputs.mjs" "$base_id")
[ -n "$inputs" ] || die "could not hash what the image is made from (docker/runtime-inputs.mjs)"
current="$(docker image inspect --format '{{ index .Config.Labels "app-building.inputs" }}' "$image" 2>/dev/null || true)"
if [ "$force" = 0 ] && [ "$current" = "$inputs" ]; then
  say "$image is up to date"
  echo "$image"
  exit 0
fi
if [ -n "$current" ] && [ "$force" = 0 ]; then say "$image is out of date: rebuilding"; fi

work="$(mktemp -d "${TMPDIR:-/tmp}/app-building-runtime-image.XXXXXX")"
trap 'rm -rf "$work"' EXIT
context="$work/context"
mkdir -p "$context/runtime"
stage_started="$(date +%s)"

# The production node_modules, staged once per set of dependencies and kept in the cache:
# a change to the runtime's own code reuses them (and Docker reuses their layer).
deps_root="$cache_dir/runtime-deps"
deps="$deps_root/$deps_hash"
if [ "$force" = 1 ] || [ ! -d "$deps/node_modules" ]; then
  # --prefer-offline, not --offline: deploy resolves again, and a resolution offline needs
  # pnpm's metadata cache, which an install from the frozen lockfile never writes. Package
  # files come from the store; only metadata the cache lacks is asked of the registry.
  say "staging the production dependencies (pnpm deploy --prod, from the store)"
  mkdir -p "$deps_root"
  (cd "$root" && "$pnpm" --filter @app-building/container-runtime deploy --prod --legacy --prefer-offline \
    "$work/deploy" >"$work/deploy.log" 2>&1) || {
    tail -n 20 "$work/deploy.log" | sed 's/^/  | /' >&2
    die "pnpm deploy failed (is 'pnpm install' done?)"
  }
  store="$work/deploy/node_modules/.pnpm"
  claude_pkg="$(readlink -f "$work/deploy/node_modules/@anthropic-ai/claude-code")"
  [ -x "$claude_pkg/bin/claude.exe" ] || die "Claude Code's binary is missing from the staged runtime ($claude_pkg/bin/claude.exe)"
  # Claude Code's install step copied the native binary of this platform into bin/claude.exe:
  # the platform packages would only add a second copy of it (hundreds of MB).
  if [ "$(stat -c %s "$claude_pkg/bin/claude.exe")" -gt 1000000 ]; then
    find "$store" -mindepth 1 -maxdepth 1 -name '@anthropic-ai+claude-code-*' -exec rm -rf {} +
    find "$claude_pkg/../" -mindepth 1 -maxdepth 1 -name 'claude-code-*' -type l -delete
  fi
  # better-sqlite3 needs its compiled binding, not the sources and objects it was built from.
  for sqlite in "$store"/better-sqlite3@*/node_modules/better-sqlite3; do
    [ -d "$sqlite" ] || continue
    rm -rf "$sqlite/deps" "$sqlite/src" "$sqlite/build/Release/obj" "$sqlite/build/Release/obj.target" \
      "$sqlite/build/Release/.deps" "$sqlite/build/deps"
    find "$sqlite/build" -name '*.a' -delete
  done
  # Keep only this set in the cache; move it in whole, so a reader never sees half of it.
  find "$deps_root" -mindepth 1 -maxdepth 1 -type d -exec rm -rf {} +
  mkdir -p "$deps_root/.incoming"
  mv "$work/deploy/node_modules" "$deps_root/.incoming/node_modules"
  mv "$deps_root/.incoming" "$deps"
else
  say "reusing the staged production dependencies ($deps_hash)"
fi
# Hard links when the cache and the temp dir share a file system, copies otherwise.
cp -al "$deps/node_modules" "$context/runtime/node_modules" 2>/dev/null ||
  { rm -rf "$context/runtime/node_modules" && cp -a "$deps/node_modules" "$context/runtime/node_modules"; }

# The runtime's own code: what runs, without tests and source maps.
cp "$root/apps/container-runtime/package.json" "$context/runtime/package.json"
cp -a "$root/apps/container-runtime/dist" "$context/runtime/dist"
find "$context/runtime/dist" \( -name '*.test.*' -o -name '*.map' \) -delete

skills="$(node --input-type=module -e '
  const { installSkills } = await import(process.argv[1]);
  console.log(installSkills(process.argv[2]).join(" "));
' "$root/skills/dist/index.js" "$context/skills")"
say "skills for the agent: $skills"

cache_args=()
[ "$force" = 1 ] && cache_args+=(--no-cache)
say "staged $(du -sh "$context" | cut -f1) in $(($(date +%s) - stage_started)) s; building $image on $base"
if ! DOCKER_BUILDKIT=0 docker build "${cache_args[@]}" --file "$root/apps/container-runtime/Dockerfile" \
  --build-arg "BASE_IMAGE=$base" \
  --label "app-building.image=container-runtime" \
  --label "app-building.inputs=$inputs" \
  --tag "$image" "$context" >"$work/build.log" 2>&1; then
  grep -v -e DEPRECATED -e 'legacy builder' -e buildx -e BuildKit "$work/build.log" | tail -n 30 | sed 's/^/  | /' >&2
  die "docker build of $image failed"
fi
# The image this one replaced, if any, is untagged now: drop it.
docker image prune --force --filter "label=app-building.image=container-runtime" >/dev/null 2>&1 || true
say "made $image in $(($(date +%s) - started)) s ($(docker image inspect --format '{{.Size}}' "$image" | awk '{ printf "%.0f MB", $1 / 1e6 }'))"
echo "$image"
