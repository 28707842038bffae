#!/usr/bin/env bash
# Builds the dev-container image (docker/dev-container.Dockerfile): the base image plus
# supervisord, the pinned pnpm and a compiler, to run `node scripts/run.mjs start
# --foreground` on a checkout mounted at /workspace. Makes the base image first when it is
# missing (docker/base-image.sh).
#
#   docker/build-dev-image.sh [--force] [[--tag] NAME]
#
#   --force  rebuild without Docker's layer cache even when the image is up to date
#   NAME     the image's name (default $APP_BUILDING_DEV_IMAGE, else app-building/dev:latest)
#
# The image is rebuilt only when missing or when something it is made from changed: its
# label app-building.inputs holds the hash of the Dockerfile, this script, the pnpm version
# of the root package.json and the base image's id. It needs the npm registry once, on the
# host (npm pack of pnpm, kept in $APP_BUILDING_CACHE_DIR, default ~/.cache/app-building),
# and Debian's mirror from inside the build (docker build --network host).
# Prints the image's name on its last line.
set -euo pipefail

log_tag=dev-image
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../scripts/lib/common.sh
. "$here/../scripts/lib/common.sh"

root="$(cd "$here/.." && pwd)"
image="${APP_BUILDING_DEV_IMAGE:-app-building/dev:latest}"
force=0
while [ "$#" -gt 0 ]; do
  case "$1" in
    --force) force=1 ;;
    --tag)
      [ "$#" -ge 2 ] || die "--tag needs a name"
      image="$2"
      shift
      ;;
    -h | --help)
      sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    -*) die "unknown option \"$1\": use --force or --tag NAME" ;;
    *) image="$1" ;;
  esac
  shift
done

docker info >/dev/null 2>&1 ||
  die "no Docker Engine answers (docker info failed): run 'bash scripts/ensure/20-docker.sh test' as root, or start Docker"
pnpm_version="$(node -p 'require(process.argv[1]).packageManager.replace(/^pnpm@/, "")' "$root/package.json")"
[[ "$pnpm_version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] ||
  die "the root package.json's packageManager does not pin pnpm to an exact version (got \"$pnpm_version\")"

mkdir -p "$cache_dir"
exec 8>"$cache_dir/dev-image.lock"
flock 8
started="$(date +%s)"

base="$(bash "$here/base-image.sh" | tail -n 1)"
base_id="$(docker image inspect --format '{{.Id}}' "$base")"

inputs="$(
  {
    echo "base-image $base_id"
    echo "pnpm $pnpm_version"
    sha256sum <"$here/dev-container.Dockerfile"
    sha256sum <"$here/build-dev-image.sh"
  } | sha256sum | cut -c1-24
)"
current="$(docker image inspect --format '{{ index .Config.Labels "app-building.inputs" }}' "$image" 2>/dev/null || true)"
if [ "$force" = 0 ] && [ "$current" = "$inputs" ]; then
  say "$image is up to date"
  echo "$image"
  exit 0
fi
if [ -n "$current" ] && [ "$force" = 0 ]; then say "$image is out of date: rebuilding"; fi

# The build context holds only pnpm's package, packed on the host by npm (its cache and
# registry settings), and kept in the cache: the checkout stays out of the build.
work="$(mktemp -d "${TMPDIR:-/tmp}/app-building-dev-image.XXXXXX")"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/context"
tarball="$cache_dir/pnpm-$pnpm_version.tgz"
if [ ! -s "$tarball" ]; then
  say "packing pnpm $pnpm_version (npm pack)"
  (cd "$work" && npm pack --silent "pnpm@$pnpm_version" >"$work/pack.log" 2>&1) || {
    tail -n 20 "$work/pack.log" | sed 's/^/  | /' >&2
    die "npm pack pnpm@$pnpm_version failed: is the npm registry reachable?"
  }
  mv "$work/pnpm-$pnpm_version.tgz" "$tarball"
fi
cp "$tarball" "$work/context/pnpm.tgz"

cache_args=()
[ "$force" = 1 ] && cache_args+=(--no-cache)
say "building $image on $base (pnpm $pnpm_version, supervisor and a compiler from Debian)"
if ! DOCKER_BUILDKIT=0 docker build "${cache_args[@]}" --network host --force-rm \
  --file "$here/dev-container.Dockerfile" \
  --build-arg "BASE_IMAGE=$base" \
  --build-arg "PNPM_VERSION=$pnpm_version" \
  --label "app-building.image=dev" \
  --label "app-building.inputs=$inputs" \
  --label "app-building.pnpm-version=$pnpm_version" \
  --tag "$image" "$work/context" >"$work/build.log" 2>&1; then
  grep -v -e DEPRECATED -e 'legacy builder' -e buildx -e BuildKit "$work/build.log" | tail -n 30 | sed 's/^/  | /' >&2
  die "docker build of $image failed"
fi
# The image this one replaced, if any, is untagged now: drop it.
docker image prune --force --filter "label=app-building.image=dev" >/dev/null 2>&1 || true
say "made $image in $(($(date +%s) - started)) s ($(docker image inspect --format '{{.Size}}' "$image" | awk '{ printf "%.0f MB", $1 / 1e6 }'))"
echo "$image"
