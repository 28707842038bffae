#!/usr/bin/env bash
# supervisord (Debian package "supervisor"): core-back restarts the platform's services
# through its XML-RPC socket, and the core-back integration suites start their own
# supervisord on a temp socket. Needed by `test` and `start`; `setup` installs it too.
# Idempotent: does nothing when supervisord is already on PATH. The package's post-install
# tries to start a system-wide supervisord; without systemd that is skipped harmlessly, and
# the platform never uses the system-wide instance.
set -euo pipefail
log_tag=ensure/supervisor
# shellcheck source=../lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

check_command "${1:-setup}" setup test start
ensure_installed supervisord supervisor "the platform's services run under it"
