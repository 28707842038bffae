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

say() { echo "[base-image] $*" >&2; }
die() {
  echo "[base-image] $*" >&2
  exit 1
}

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

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
command -v node >/dev/null 2>&1 || die "node is not on PATH: the base image carries this machine's Node"
node_bin="$(readlink -f "$(command -v node)")"
node_version="$(node -p process.version)"
node_major="$(node -p 'process.versions.node.split(".")[0]')"
suite=bookworm
packages=git,ca-certificates,tini,curl,procps
image="${APP_BUILDING_BASE_IMAGE:-app-building/base:${suite}-node${node_major}}"
mirror="${APP_BUILDING_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
cache_dir="${APP_BUILDING_CACHE_DIR:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/app-building}"
# What each image is made from: when it changes, that image (and what builds on it) is redone.
# Bump debian_revision when make_debian_image changes what it puts in the tree.
debian_revision=1
debian_recipe="$(echo "$suite $packages $mirror revision $debian_revision" | sha256sum | cut -c1-16)"
# Tagged by recipe, so checkouts of different versions on one engine do not remake it in turn.
debian_image="${APP_BUILDING_DEBIAN_IMAGE:-app-building/debian:${suite}-${debian_recipe}}"
node_recipe="$(sha256sum <"$here/base.Dockerfile" | cut -c1-16)"

docker info >/dev/null 2>&1 ||
  die "no Docker Engine answers (docker info failed): run 'bash scripts/ensure/20-docker.sh test' as root, or start Docker"

label() { docker image inspect --format "{{ index .Config.Labels \"$2\" }}" "$1" 2>/dev/null || true; }
image_id() { docker image inspect --format '{{.Id}}' "$1" 2>/dev/null || true; }
debian_up_to_date() { [ "$(label "$debian_image" app-building.recipe)" = "$debian_recipe" ]; }
base_up_to_date() {
  [ "$(label "$image" app-building.recipe)" = "$node_recipe" ] &&
    [ "$(label "$image" app-building.node-version)" = "$node_version" ] &&
    [ "$(label "$image" app-building.parent)" = "$(image_id "$debian_image")" ]
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
cleanup() {
  [ -n "$work" ] && [ -d "$work" ] || return 0
  # debootstrap mounts /proc and /sys inside its tree: never delete through a mount.
  awk -v dir="$work/" 'index($2, dir) == 1 { print $2 }' /proc/mounts | sort -r | while read -r mnt; do
    umount -l "$mnt" || true
  done
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT

install_debootstrap() {
  command -v apt-get >/dev/null 2>&1 || die "debootstrap is missing and apt-get is not available: install debootstrap"
  say "installing debootstrap (apt-get install -y debootstrap)"
  export DEBIAN_FRONTEND=noninteractive
  local stamp=/var/lib/apt/periodic/app-building-apt-updated
  if [ ! -f "$stamp" ]; then
    apt-get update -qq || die "apt-get update failed: check the machine's package sources"
    mkdir -p "$(dirname "$stamp")" && touch "$stamp"
  fi
  # Another ensure script (or the machine) may hold the dpkg lock for a while: wait for it.
  # Package lists older than the stamp may name versions the mirror dropped: update, retry once.
  apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 debootstrap >/dev/null ||
    { say "retrying after apt-get update" && apt-get update -qq && apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 debootstrap >/dev/null; } ||
    die "apt-get install debootstrap failed: install it by hand (apt-get install -y debootstrap)"
}

make_debian_image() {
  [ "$(id -u)" = "0" ] || die "$debian_image is missing or stale and debootstrap needs root: run this script as root"
  export PATH="$PATH:/usr/sbin:/sbin"
  command -v debootstrap >/dev/null 2>&1 || install_debootstrap
  local t0 rootfs debs="$cache_dir/debootstrap-$suite"
  t0="$(date +%s)"
  work="$(mktemp -d "${TMPDIR:-/tmp}/app-building-rootfs.XXXXXX")"
  rootfs="$work/rootfs"
  case "$work" in /?*/*) ;; *) die "could not make a temporary directory ($work)" ;; esac
  mkdir -p "$debs" "$rootfs"
  say "debootstrap --variant=minbase --include=$packages $suite (packages cached in $debs)"
  if ! debootstrap --variant=minbase --include="$packages" --cache-dir="$debs" \
    "$suite" "$rootfs" "$mirror" >"$cache_dir/debootstrap.log" 2>&1; then
    tail -n 20 "$cache_dir/debootstrap.log" | sed 's/^/  | /' >&2
    die "debootstrap failed (full log: $cache_dir/debootstrap.log)"
  fi

  # Slim, as Debian's own slim images are: no docs, man pages, translations or apt lists,
  # now and for packages installed later.
  printf '%s\n' 'path-exclude /usr/share/doc/*' 'path-include /usr/share/doc/*/copyright' \
    'path-exclude /usr/share/man/*' 'path-exclude /usr/share/info/*' \
    'path-exclude /usr/share/locale/*' 'path-include /usr/share/locale/locale.alias' \
    >"$rootfs/etc/dpkg/dpkg.cfg.d/app-building-slim"
  find "$rootfs/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
  find "$rootfs/usr/share/doc" -mindepth 1 -type d -empty -delete
  find "$rootfs/usr/share/locale" -mindepth 1 -maxdepth 1 -not -name locale.alias -exec rm -rf {} +
  find "$rootfs/usr/share/man" "$rootfs/usr/share/info" "$rootfs/var/lib/apt/lists" \
    "$rootfs/var/cache/apt" -mindepth 1 -not -type d -delete
  chroot "$rootfs" git --version >/dev/null || die "git does not run in the $suite tree"

  say "importing the tree as $debian_image"
  tar --numeric-owner -C "$rootfs" -c . | docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' \
    --change 'CMD ["bash"]' \
    --change "LABEL app-building.image=debian app-building.recipe=$debian_recipe app-building.suite=$suite" \
    --message "debootstrap --variant=minbase --include=$packages $suite" \
    - "$debian_image" >/dev/null ||
    die "docker import of the $suite tree failed: see the engine's message above"
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
