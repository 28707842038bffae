#!/usr/bin/env bash
# Chromium (Debian package "chromium") for the end-to-end suites of e2e/, which drive it
# headless through playwright-core. Needed by `test`; `setup` installs it too; `start` does
# not need it (the platform itself runs no browser).
# Idempotent: does nothing when chromium is already on PATH (or CHROMIUM_BIN names one).
set -euo pipefail
log_tag=ensure/chromium
# shellcheck source=../lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

command="${1:-setup}"
check_command "$command" setup test start
if [ "$command" = start ]; then
  say "not needed for start"
  exit 0
fi

if [ -n "${CHROMIUM_BIN:-}" ]; then
  [ -x "$CHROMIUM_BIN" ] ||
    die "CHROMIUM_BIN=$CHROMIUM_BIN is not an executable file: point it at a chromium binary, or unset it"
  say "CHROMIUM_BIN=$CHROMIUM_BIN ($("$CHROMIUM_BIN" --version 2>/dev/null || echo unknown version))"
  exit 0
fi
ensure_installed chromium chromium "the end-to-end suites drive it headless"
