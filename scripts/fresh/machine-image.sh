#!/usr/bin/env bash
# Makes an image that looks like a new machine of this project's kind, for the fresh-machine
# check (scripts/fresh/run.sh): Debian bookworm (debootstrap --variant=minbase) with git,
# python3, g++, make and CA certificates, plus this machine's own Node and npm as its package
# installed them (binary, npm, headers), npm's machine settings (nodedir, cafile, ...; no
# registry or credential), its apt sources and the certificate authorities it trusts.
# Nothing else: no pnpm, no supervisord, no Docker, no curl, no caches; /root is empty.
#
#   scripts/fresh/machine-image.sh [--force]
#
# Built once and reused while what it is made from is unchanged (the label
# app-building.recipe holds the hash of this script, the libraries, Node's version and the
# copied files); --force rebuilds it. Needs root and a Docker Engine. Prints its name last.
set -euo pipefail
log_tag=fresh/machine-image
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../lib/common.sh
. "$here/../lib/common.sh"
# shellcheck source=../lib/docker-engine.sh
. "$here/../lib/docker-engine.sh"
# shellcheck source=../lib/debian-tree.sh
. "$here/../lib/debian-tree.sh"

force=0
case "${1:-}" in
  "") ;;
  --force) force=1 ;;
  -h | --help)
    sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
    exit 0
    ;;
  *) die "unknown argument \"$1\": use --force" ;;
esac

have node || die "node is not on PATH: the image carries this machine's Node"
engine_answers ||
  die "no Docker Engine answers: run 'bash scripts/ensure/20-docker.sh engine' as root"
packages=git,ca-certificates,python3,g++,make
node_bin="$(readlink -f "$(command -v node)")"
node_prefix="$(cd "$(dirname "$node_bin")/.." && pwd)"
npm_dir="$(npm root -g)/npm"
[ -f "$npm_dir/bin/npm-cli.js" ] || die "npm is not installed next to this Node ($npm_dir)"
# The files copied from this machine, at the same paths: what makes the image this kind.
host_files=("$node_bin" "$npm_dir" "$node_prefix/include/node")
for file in /etc/apt/sources.list /etc/apt/sources.list.d/debian.sources /usr/local/share/ca-certificates/*.crt; do
  if [ -e "$file" ]; then host_files+=("$file"); fi
done
# npm's settings that make this kind of machine what it is (where Node's headers are, which
# certificate authorities to trust, quiet installs), from its global configs and this user's
# ~/.npmrc: only these keys, never a registry, a token or another credential.
npm_keys='^(nodedir|cafile|fund|audit|update-notifier|progress)='
npm_settings() {
  local file
  for file in "$node_prefix/etc/npmrc" /etc/npmrc "${HOME:-/root}/.npmrc"; do
    if [ -f "$file" ]; then grep -E "$npm_keys" "$file" || true; fi
  done | awk '!seen[$0]++'
}

recipe="$(
  {
    echo "$debian_suite $packages $debian_mirror node $(node -p process.version) npm $(npm --version)"
    cat "$0" "$here/../lib/debian-tree.sh"
    npm_settings
    for file in "${host_files[@]}"; do
      if [ -f "$file" ]; then echo "$file" && cat "$file"; fi
    done
  } | sha256sum | cut -c1-16
)"
image="${APP_BUILDING_MACHINE_IMAGE:-app-building/machine:${debian_suite}-node$(node -p 'process.versions.node.split(".")[0]')}"
if [ "$force" = 0 ] && [ "$(image_label "$image" app-building.recipe)" = "$recipe" ]; then
  say "$image is up to date"
  echo "$image"
  exit 0
fi

mkdir -p "$cache_dir"
exec 9>"$cache_dir/machine-image.lock"
flock 9
if [ "$force" = 0 ] && [ "$(image_label "$image" app-building.recipe)" = "$recipe" ]; then
  say "$image was made meanwhile"
  echo "$image"
  exit 0
fi
started="$(date +%s)"
work="$(mktemp -d "${TMPDIR:-/tmp}/app-building-machine.XXXXXX")"
trap 'remove_tree "$work"' EXIT
rootfs="$work/rootfs"
debootstrap_tree "$rootfs" "$packages"
slim_tree "$rootfs"
for file in "${host_files[@]}"; do
  mkdir -p "$rootfs$(dirname "$file")"
  cp -a "$file" "$rootfs$(dirname "$file")/"
done
# Debian's own sources file replaces debootstrap's one-line list when this machine has one.
[ -e /etc/apt/sources.list.d/debian.sources ] && [ ! -e /etc/apt/sources.list ] && rm -f "$rootfs/etc/apt/sources.list"
bin_dir="$(dirname "$node_bin")"
ln -sf "$(realpath --relative-to="$bin_dir" "$npm_dir/bin/npm-cli.js")" "$rootfs$bin_dir/npm"
ln -sf "$(realpath --relative-to="$bin_dir" "$npm_dir/bin/npx-cli.js")" "$rootfs$bin_dir/npx"
chroot "$rootfs" update-ca-certificates >/dev/null 2>&1 || die "update-ca-certificates failed in the tree"
chroot "$rootfs" node -e 'process.exit(0)' || die "node does not run in the $debian_suite tree"
# A new machine has an empty home: nothing of this one's caches or stores. Its npm settings go
# in npm's global config.
rm -rf "${rootfs:?}/root" && mkdir -m 0700 "$rootfs/root"
mkdir -p "$rootfs$node_prefix/etc"
npm_settings >"$rootfs$node_prefix/etc/npmrc"
rm -f "$rootfs/etc/npmrc"
say "npm settings carried: $(cut -d= -f1 "$rootfs$node_prefix/etc/npmrc" | paste -sd, -)"
import_tree "$rootfs" "$image" "a new machine: Debian $debian_suite, Node $(node -p process.version), $packages" \
  --change "LABEL app-building.image=machine app-building.recipe=$recipe"
docker image prune --force --filter "label=app-building.image=machine" >/dev/null 2>&1 || true
say "made $image in $(($(date +%s) - started)) s"
echo "$image"
