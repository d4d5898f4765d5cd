#!/bin/sh
# router restart [--config PATH] ...: see README "Running it every day".
exec "$(dirname "$0")/router.sh" restart "$@"
