#!/usr/bin/env bash
# Makes sure Debian's chromium is installed (the AI Studio worker and its browser tests drive it
# through Playwright; no browser is ever downloaded at run time). Idempotent: does nothing when
# chromium is already there. Needs root and apt; prints the binary's path on success.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  command -v chromium
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-chromium: apt-get is not available; install Debian's chromium package by hand" >&2
  exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-chromium: run as root (or: sudo apt-get install -y chromium)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get install -y --no-install-recommends chromium >&2 \
  || { apt-get update >&2 && apt-get install -y --no-install-recommends chromium >&2; }
command -v chromium
