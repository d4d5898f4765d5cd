#!/usr/bin/env bash
# Makes sure PostgreSQL's server programs (initdb, postgres, pg_ctl) are installed, installing
# Debian's `postgresql` package with apt-get only when they are missing. Idempotent.
# Prints the directory of the server programs (e.g. /usr/lib/postgresql/15/bin) on its last line.
set -euo pipefail

find_bin() {
  local dir
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$dir/initdb" ] && [ -x "$dir/postgres" ]; then echo "$dir"; return 0; fi
  done
  if command -v initdb >/dev/null 2>&1 && command -v postgres >/dev/null 2>&1; then
    dirname "$(command -v initdb)"; return 0
  fi
  return 1
}

if bin=$(find_bin); then
  echo "$bin"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "PostgreSQL is not installed and installing it needs root: run 'apt-get install postgresql' as root" >&2
  exit 1
fi
echo "PostgreSQL is not installed: installing Debian's postgresql package" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >&2
apt-get install -y -q --no-install-recommends postgresql >&2
# Tests start their own server on a private port; the distribution's own cluster is not needed.
if command -v pg_lsclusters >/dev/null 2>&1; then
  pg_lsclusters -h 2>/dev/null | while read -r version name _; do
    pg_ctlcluster "$version" "$name" stop >/dev/null 2>&1 || true
  done
fi
bin=$(find_bin)
echo "$bin"
