#!/usr/bin/env bash
# Makes the base image every runtime image builds on, without any image registry, as two
# images so that each part is redone only when it changes:
#   app-building/debian:bookworm-<recipe>  Debian bookworm (debootstrap --variant=minbase)
#       with git, ca-certificates, tini, curl and procps, imported from a tree
#   app-building/base:bookworm-node20  that, plus this machine's own Node and npm, so native
#       addons built here (better-sqlite3) load in containers
#
#   docker/base-image.sh [--force] [--fresh]
#
# Each image is built only when missing or made from another recipe (the Node image also when
# this machine's Node changed); --force rebuilds the Node image, --fresh redoes debootstrap too.
# Downloaded .deb files stay in $APP_BUILDING_CACHE_DIR (default ~/.cache/app-building).
# Needs a Docker Engine (scripts/ensure/20-docker.sh), and root for debootstrap.
# Prints the base image's name on its last line.
set -euo pipefail

log_tag=base-image
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../scripts/lib/common.sh
. "$here/../scripts/lib/common.sh"
# shellcheck source=../scripts/lib/debian-tree.sh
. "$here/../scripts/lib/debian-tree.sh"

force=0
fresh=0
for arg in "$@"; do
  case "$arg" in
    --force) force=1 ;;
    --fresh) force=1 fresh=1 ;;
    -h | --help)
      sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *) die "unknown argument \"$arg\": use --force or --fresh" ;;
  esac
done

command -v node >/dev/null 2>&1 || die "node is not on PATH: the base image carries this machine's Node"
node_bin="$(readlink -f "$(command -v node)")"
node_version="$(node -p process.version)"
node_major="$(node -p 'process.versions.node.split(".")[0]')"
suite="$debian_suite"
packages=git,ca-certificates,tini,curl,procps
image="${APP_BUILDING_BASE_IMAGE:-app-building/base:${suite}-node${node_major}}"
mirror="$debian_mirror"
# What each image is made from: when it changes, that image (and what builds on it) is redone.
# Bump debian_revision when make_debian_image changes what it puts in the tree.
debian_revision=1
debian_recipe="$(echo "$suite $packages $mirror revision $debian_revision" | sha256sum | cut -c1-16)"
# Tagged by recipe, so checkouts of different versions on one engine do not remake it in turn.
debian_image="${APP_BUILDING_DEBIAN_IMAGE:-app-building/debian:${suite}-${debian_recipe}}"
node_recipe="$(sha256sum <"$here/base.Dockerfile" | cut -c1-16)"

docker info >/dev/null 2>&1 ||
  die "no Docker Engine answers (docker info failed): run 'bash scripts/ensure/20-docker.sh test' as root, or start Docker"

debian_up_to_date() { [ "$(image_label "$debian_image" app-building.recipe)" = "$debian_recipe" ]; }
base_up_to_date() {
  [ "$(image_label "$image" app-building.recipe)" = "$node_recipe" ] &&
    [ "$(image_label "$image" app-building.node-version)" = "$node_version" ] &&
    [ "$(image_label "$image" app-building.parent)" = "$(image_id "$debian_image")" ]
}
up_to_date() { debian_up_to_date && base_up_to_date; }

if [ "$force" = 0 ] && up_to_date; then
  say "$image is up to date (Node $node_version)"
  echo "$image"
  exit 0
fi

# One build at a time: a second caller waits, then finds the image made.
mkdir -p "$cache_dir"
exec 9>"$cache_dir/base-image.lock"
flock 9
if [ "$force" = 0 ] && up_to_date; then
  say "$image was made meanwhile"
  echo "$image"
  exit 0
fi
started="$(date +%s)"

work=""
cleanup() { remove_tree "$work"; }
trap cleanup EXIT

make_debian_image() {
  local t0 rootfs
  t0="$(date +%s)"
  work="$(mktemp -d "${TMPDIR:-/tmp}/app-building-rootfs.XXXXXX")"
  rootfs="$work/rootfs"
  debootstrap_tree "$rootfs" "$packages"
  slim_tree "$rootfs"
  chroot "$rootfs" git --version >/dev/null || die "git does not run in the $suite tree"
  import_tree "$rootfs" "$debian_image" "debootstrap --variant=minbase --include=$packages $suite" \
    --change "LABEL app-building.image=debian app-building.recipe=$debian_recipe app-building.suite=$suite"
  cleanup
  work=""
  say "made $debian_image in $(($(date +%s) - t0)) s"
}

make_base_image() {
  local t0 context npm_dir
  t0="$(date +%s)"
  work="$(mktemp -d "${TMPDIR:-/tmp}/app-building-base.XXXXXX")"
  context="$work/context"
  say "adding Node $node_version from $node_bin"
  install -D -m 0755 "$node_bin" "$context/node/bin/node"
  npm_dir="$(npm root -g 2>/dev/null || true)/npm"
  mkdir -p "$context/node/lib/node_modules"
  if [ -f "$npm_dir/bin/npm-cli.js" ]; then
    cp -a "$npm_dir" "$context/node/lib/node_modules/npm"
    ln -s ../lib/node_modules/npm/bin/npm-cli.js "$context/node/bin/npm"
    ln -s ../lib/node_modules/npm/bin/npx-cli.js "$context/node/bin/npx"
  else
    say "npm not found next to this Node: the image gets node without npm"
  fi
  docker build --quiet --file "$here/base.Dockerfile" \
    --build-arg "DEBIAN_IMAGE=$debian_image" \
    --label "app-building.image=base" \
    --label "app-building.recipe=$node_recipe" \
    --label "app-building.node-version=$node_version" \
    --label "app-building.parent=$(image_id "$debian_image")" \
    --tag "$image" "$context" >"$work/build.log" 2>&1 || {
    grep -v -e DEPRECATED -e 'legacy builder' -e buildx -e BuildKit "$work/build.log" | tail -n 20 | sed 's/^/  | /' >&2
    die "docker build of $image failed"
  }
  cleanup
  work=""
  say "made $image in $(($(date +%s) - t0)) s"
}

if [ "$fresh" = 1 ] || ! debian_up_to_date; then make_debian_image; fi
make_base_image
# The image this replaced, if any, is untagged now: drop it.
docker image prune --force --filter "label=app-building.image=base" >/dev/null 2>&1 || true

say "$image ready in $(($(date +%s) - started)) s ($(docker image inspect --format '{{.Size}}' "$image" | awk '{ printf "%.0f MB", $1 / 1e6 }'))"
echo "$image"
