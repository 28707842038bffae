#!/usr/bin/env bash
# Chromium (Debian package "chromium") for the end-to-end suites of e2e/, which drive it
# headless through playwright-core. Needed by `test`; `setup` installs it too; `start` does
# not need it (the platform itself runs no browser).
# Idempotent: does nothing when chromium is already on PATH (or CHROMIUM_BIN names one).
set -euo pipefail

command="${1:-setup}"
case "$command" in
  setup | test) ;;
  start)
    echo "[ensure/chromium] not needed for start"
    exit 0
    ;;
  *)
    echo "[ensure/chromium] unknown command \"$command\": use setup, test or start" >&2
    exit 2
    ;;
esac

if [ -n "${CHROMIUM_BIN:-}" ]; then
  if [ -x "$CHROMIUM_BIN" ]; then
    echo "[ensure/chromium] CHROMIUM_BIN=$CHROMIUM_BIN ($("$CHROMIUM_BIN" --version 2>/dev/null || echo unknown version))"
    exit 0
  fi
  echo "[ensure/chromium] CHROMIUM_BIN=$CHROMIUM_BIN is not an executable file: point it at a chromium binary, or unset it" >&2
  exit 1
fi

if command -v chromium >/dev/null 2>&1; then
  echo "[ensure/chromium] chromium present ($(chromium --version 2>/dev/null || echo unknown version))"
  exit 0
fi

if [ "$(id -u)" != "0" ]; then
  echo "[ensure/chromium] chromium is missing and this is not root: install it with 'sudo apt-get install -y --no-install-recommends chromium' (or set CHROMIUM_BIN to a chromium binary)" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "[ensure/chromium] chromium is missing and apt-get is not available: install chromium with your package manager, or set CHROMIUM_BIN to a chromium binary" >&2
  exit 1
fi

echo "[ensure/chromium] installing chromium (apt-get install -y --no-install-recommends chromium)"
export DEBIAN_FRONTEND=noninteractive
stamp=/var/lib/apt/periodic/app-building-apt-updated
if [ ! -f "$stamp" ]; then
  apt-get update -qq || {
    echo "[ensure/chromium] apt-get update failed: check the machine's package sources" >&2
    exit 1
  }
  mkdir -p "$(dirname "$stamp")" && touch "$stamp"
fi
# Another ensure script (or the machine) may hold the dpkg lock for a while: wait for it.
# Package lists older than the stamp may name versions the mirror dropped: update, retry once.
install_chromium() {
  apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 chromium >/dev/null
}
if ! install_chromium && ! { echo "[ensure/chromium] retrying after apt-get update" && apt-get update -qq && install_chromium; }; then
  echo "[ensure/chromium] apt-get install chromium failed: install it by hand (apt-get install -y --no-install-recommends chromium)" >&2
  exit 1
fi
if ! command -v chromium >/dev/null 2>&1; then
  echo "[ensure/chromium] chromium installed but not on PATH" >&2
  exit 1
fi
echo "[ensure/chromium] installed $(chromium --version 2>/dev/null || echo chromium)"
