#!/usr/bin/env bash
# Builds the container-runtime image (apps/container-runtime/Dockerfile) that the SDK's docker
# driver runs, making the base image first when it is missing (docker/base-image.sh).
#
#   docker/build-runtime-image.sh [--force] [--no-build] [[--tag] NAME]
#
#   --force     rebuild even when the image is up to date
#   --no-build  use the runtime's dist/ as it is (the caller built it) instead of running
#               turbo's build of @app-building/container-runtime and the skills first
#   NAME        the image's name (default $APP_BUILDING_RUNTIME_IMAGE, else $IMAGE_REF,
#               else app-building/container-runtime:latest)
#
# The image is rebuilt only when missing or when something it is made from changed (its
# label app-building.inputs holds the hash of docker/runtime-inputs.mjs). The build needs no
# registry: the runtime and its production node_modules are staged from pnpm's store.
# Prints the image's name on its last line.
set -euo pipefail

say() { echo "[runtime-image] $*" >&2; }
die() {
  echo "[runtime-image] $*" >&2
  exit 1
}

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
image="${APP_BUILDING_RUNTIME_IMAGE:-${IMAGE_REF:-app-building/container-runtime:latest}}"
cache_dir="${APP_BUILDING_CACHE_DIR:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/app-building}"
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
      sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    -*) die "unknown option \"$1\": use --force, --no-build or --tag NAME" ;;
    *) image="$1" ;;
  esac
  shift
done

if [ -x "$root/.tools/bin/pnpm" ]; then pnpm="$root/.tools/bin/pnpm"; else pnpm="$(command -v pnpm || true)"; fi
[ -n "$pnpm" ] || die "pnpm is not installed: run 'npm run setup' first"
export PATH="$(dirname "$pnpm"):$PATH" # turbo runs the package manager by name
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

inputs="$(cd "$root" && PNPM="$pnpm" node "$here/runtime-inputs.mjs" "$base_id")"
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
mkdir -p "$context"

say "staging the runtime with its production dependencies (pnpm deploy --prod, offline)"
(cd "$root" && "$pnpm" --filter @app-building/container-runtime deploy --prod --legacy --offline \
  "$context/runtime" >"$work/deploy.log" 2>&1) || {
  tail -n 20 "$work/deploy.log" | sed 's/^/  | /' >&2
  die "pnpm deploy failed (is 'pnpm install' done?)"
}
runtime="$context/runtime"
# Only what runs: the built code, its manifest and its dependencies.
find "$runtime" -mindepth 1 -maxdepth 1 -not -name dist -not -name package.json -not -name node_modules \
  -exec rm -rf {} +
find "$runtime/dist" \( -name '*.test.*' -o -name '*.map' \) -delete
store="$runtime/node_modules/.pnpm"
claude_pkg="$(readlink -f "$runtime/node_modules/@anthropic-ai/claude-code")"
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

say "installing the skills for the agent"
skills="$(node --input-type=module -e '
  const { installSkills } = await import(process.argv[1]);
  console.log(installSkills(process.argv[2]).join(" "));
' "$root/skills/dist/index.js" "$context/skills")"
say "skills: $skills"

say "building $image on $base ($(du -sh "$context" | cut -f1) staged)"
if ! DOCKER_BUILDKIT=0 docker build --file "$root/apps/container-runtime/Dockerfile" \
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
