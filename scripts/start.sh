#!/bin/sh
# router start [--config PATH] ...: see README "Running it every day".
exec "$(dirname "$0")/router.sh" start "$@"
