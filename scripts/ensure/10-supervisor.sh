#!/usr/bin/env bash
# supervisord (Debian package "supervisor"): core-back restarts the platform's services
# through its XML-RPC socket, and the core-back integration suites start their own
# supervisord on a temp socket. Needed by `test` and `start`; `setup` installs it too.
# Idempotent: does nothing when supervisord is already on PATH.
set -euo pipefail

command="${1:-setup}"
case "$command" in
  setup | test | start) ;;
  *)
    echo "[ensure/supervisor] unknown command \"$command\": use setup, test or start" >&2
    exit 2
    ;;
esac

if command -v supervisord >/dev/null 2>&1; then
  echo "[ensure/supervisor] supervisord present ($(supervisord --version 2>/dev/null || echo unknown version))"
  exit 0
fi

if [ "$(id -u)" != "0" ]; then
  echo "[ensure/supervisor] supervisord is missing and this is not root: install it with 'sudo apt-get install -y supervisor'" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "[ensure/supervisor] supervisord is missing and apt-get is not available: install supervisor (>= 4) with your package manager" >&2
  exit 1
fi

echo "[ensure/supervisor] installing supervisor (apt-get install -y supervisor)"
export DEBIAN_FRONTEND=noninteractive
stamp=/var/lib/apt/periodic/app-building-apt-updated
if [ ! -f "$stamp" ]; then
  apt-get update -qq || {
    echo "[ensure/supervisor] apt-get update failed: check the machine's package sources" >&2
    exit 1
  }
  mkdir -p "$(dirname "$stamp")" && touch "$stamp"
fi
# The package's post-install tries to start a system-wide supervisord service; without
# systemd that is skipped harmlessly. We never use the system-wide instance.
if ! apt-get install -y -qq --no-install-recommends supervisor >/dev/null; then
  echo "[ensure/supervisor] apt-get install supervisor failed: install it by hand (apt-get install -y supervisor)" >&2
  exit 1
fi
if ! command -v supervisord >/dev/null 2>&1; then
  echo "[ensure/supervisor] supervisor installed but supervisord is not on PATH" >&2
  exit 1
fi
echo "[ensure/supervisor] installed supervisord $(supervisord --version)"
