#!/bin/sh
# router stop [--config PATH] ...: see README "Running it every day".
exec "$(dirname "$0")/router.sh" stop "$@"
