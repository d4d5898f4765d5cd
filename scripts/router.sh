#!/bin/sh
# The router's command line from this checkout: publishes it once into .build/router (and again
# when src/ or hocon/ changed), then runs it. Every other script here is a one-line wrapper.
set -e
root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/.build/router"
changed() { find "$root/src" "$root/hocon" -type f -newer "$out/router.dll" -not -path '*/bin/*' -not -path '*/obj/*' -print -quit; }
if [ ! -f "$out/router.dll" ] || [ -n "$(changed)" ]; then
  echo "building the router into $out ..." >&2
  dotnet publish "$root/src/Router.Http" -c Release -o "$out" >/dev/null
  touch "$out/router.dll"
fi
exec dotnet "$out/router.dll" "$@"
