#!/usr/bin/env bash
# supervisord (Debian package "supervisor"): core-back restarts the platform's services
# through its XML-RPC socket, and the core-back integration suites start their own
# supervisord on a temp socket. Needed by `test` and `start`; `setup` installs it too.
# Idempotent: does nothing when supervisord is already on PATH.
set -euo pipefail
log_tag=ensure/supervisor
# shellcheck source=../lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

check_command "${1:-setup}" setup test start

if have supervisord; then
  say "supervisord present ($(supervisord --version 2>/dev/null || echo unknown version))"
  exit 0
fi
say "installing supervisor (apt-get install -y supervisor)"
# The package's post-install tries to start a system-wide supervisord service; without
# systemd that is skipped harmlessly. We never use the system-wide instance.
apt_install supervisor
have supervisord || die "supervisor installed but supervisord is not on PATH"
say "installed supervisord $(supervisord --version)"
