#!/usr/bin/env bash
# Runs shellcheck on every shell script the repository tracks, .ci/run included (npm run
# lint:shell; CI runs it).
# Installs Debian's shellcheck when it is missing and this is root.
set -euo pipefail
log_tag=lint/shell
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib/common.sh
. "$here/lib/common.sh"
cd "$here/.."

have shellcheck || apt_install shellcheck
# Every *.sh file, and every other tracked file that starts with a bash shebang (.ci/run).
mapfile -t files < <(
  git ls-files '*.sh'
  git ls-files | grep -v '\.sh$' | while read -r file; do
    if [ -f "$file" ] && head -c 64 "$file" | grep -qE '^#!/usr/bin/env bash|^#!/bin/bash'; then echo "$file"; fi
  done
)
[ "${#files[@]}" -gt 0 ] || die "no shell scripts found: is this the repository?"
shellcheck "${files[@]}"
say "shellcheck $(shellcheck --version | sed -n 's/^version: //p'): ${#files[@]} scripts, no findings"
