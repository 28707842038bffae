#!/usr/bin/env bash
# curl (Debian package "curl"): the agent's skills call core-back and the runtime with it
# (skills/build, skills/tasks), so the platform's own agent needs it on this machine, and so
# do the end-to-end suites that run that agent. A new machine does not have it.
# Needed by `test` and `start`; `setup` installs it too. Idempotent.
set -euo pipefail
log_tag=ensure/curl
# shellcheck source=../lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/common.sh"

check_command "${1:-setup}" setup test start
ensure_installed curl curl "the agent's skills call the platform with it"
