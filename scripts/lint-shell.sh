#!/usr/bin/env bash
# Runs shellcheck on every shell script the repository tracks (npm run lint:shell; CI runs it).
# Installs Debian's shellcheck when it is missing and this is root.
set -euo pipefail
log_tag=lint/shell
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"
cd "$here/.."

have shellcheck || apt_install shellcheck
mapfile -t files < <(git ls-files '*.sh')
[ "${#files[@]}" -gt 0 ] || die "no shell scripts found: is this the repository?"
shellcheck "${files[@]}"
say "shellcheck $(shellcheck --version | sed -n 's/^version: //p'): ${#files[@]} scripts, no findings"
