#!/usr/bin/env bash
# Making Docker images without any image registry: a Debian tree by debootstrap, slimmed,
# then `docker import`ed. Used by docker/base-image.sh (the runtime's base) and
# scripts/fresh/machine-image.sh (an image that looks like a new machine).
# Source scripts/lib/common.sh first. Needs root (debootstrap, chroot).
# shellcheck shell=bash

debian_suite=bookworm
debian_mirror="${APP_BUILDING_DEBIAN_MIRROR:-http://deb.debian.org/debian}"

# image_label IMAGE LABEL / image_id IMAGE: empty when the image is missing.
image_label() { docker image inspect --format "{{ index .Config.Labels \"$2\" }}" "$1" 2>/dev/null || true; }
image_id() { docker image inspect --format '{{.Id}}' "$1" 2>/dev/null || true; }

# unmount_under DIR: lazily unmounts every mount below DIR, deepest first.
unmount_under() {
  awk -v dir="$1/" 'index($2, dir) == 1 { print $2 }' /proc/mounts | sort -r | while read -r mnt; do
    umount -l "$mnt" 2>/dev/null || true
  done
}

# remove_tree DIR: deletes a folder that something (debootstrap's /proc and /sys, an
# engine's layers) may have mounted inside, unmounting first: never delete through a mount.
remove_tree() {
  local dir="$1"
  [ -n "$dir" ] && [ -d "$dir" ] || return 0
  unmount_under "$dir"
  rm -rf --one-file-system "$dir"
}

# debootstrap_tree ROOTFS PACKAGES: Debian $debian_suite (minbase) plus PACKAGES (comma
# separated) in ROOTFS. Downloaded .deb files stay in $cache_dir/debootstrap-<suite>, so a
# second tree reads them from disk; nothing needs them to be there.
debootstrap_tree() {
  # shellcheck disable=SC2154 # cache_dir comes from common.sh
  local rootfs="$1" packages="$2" debs="$cache_dir/debootstrap-$debian_suite"
  is_root || die "debootstrap needs root: run this script as root"
  export PATH="$PATH:/usr/sbin:/sbin"
  have debootstrap || apt_install debootstrap
  mkdir -p "$debs" "$rootfs"
  say "debootstrap --variant=minbase --include=$packages $debian_suite (packages cached in $debs)"
  if ! debootstrap --variant=minbase --include="$packages" --cache-dir="$debs" \
    "$debian_suite" "$rootfs" "$debian_mirror" >"$cache_dir/debootstrap.log" 2>&1; then
    tail -n 20 "$cache_dir/debootstrap.log" | sed 's/^/  | /' >&2
    die "debootstrap failed (full log: $cache_dir/debootstrap.log)"
  fi
}

# slim_tree ROOTFS: no docs, man pages, translations or apt lists, now and for packages
# installed later, as Debian's own slim images are.
slim_tree() {
  local rootfs="$1"
  printf '%s\n' 'path-exclude /usr/share/doc/*' 'path-include /usr/share/doc/*/copyright' \
    'path-exclude /usr/share/man/*' 'path-exclude /usr/share/info/*' \
    'path-exclude /usr/share/locale/*' 'path-include /usr/share/locale/locale.alias' \
    >"$rootfs/etc/dpkg/dpkg.cfg.d/app-building-slim"
  find "$rootfs/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete
  find "$rootfs/usr/share/doc" -mindepth 1 -type d -empty -delete
  find "$rootfs/usr/share/locale" -mindepth 1 -maxdepth 1 -not -name locale.alias -exec rm -rf {} +
  find "$rootfs/usr/share/man" "$rootfs/usr/share/info" "$rootfs/var/lib/apt/lists" \
    "$rootfs/var/cache/apt" -mindepth 1 -not -type d -delete
}

# import_tree ROOTFS IMAGE MESSAGE [--change INSTRUCTION]...: `docker import` of the tree as
# IMAGE, with a PATH, a UTF-8 locale and bash as its command, plus the given changes.
import_tree() {
  local rootfs="$1" image="$2" message="$3"
  shift 3
  say "importing the tree as $image"
  tar --numeric-owner -C "$rootfs" -c . | docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' \
    --change 'CMD ["bash"]' \
    "$@" --message "$message" - "$image" >/dev/null ||
    die "docker import of the tree failed: see the engine's message above"
}
