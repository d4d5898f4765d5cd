#!/usr/bin/env bash
# Real clients through the router: Claude Code, Codex CLI and Gemini CLI, each served by a fake
# upstream of a *different* wire format (tests/Router.FakeVendor), once with a plain prompt and once
# with a prompt that makes the fake call one of the client's tools. Nothing leaves the machine but
# the npm install of the CLIs (cached in tests/e2e/.cache). Exits non-zero if any run fails.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
cache=tests/e2e/.cache
bin=$root/$cache/node_modules/.bin
key=sk-e2e-client

if [ ! -x "$bin/claude" ] || [ ! -x "$bin/codex" ] || [ ! -x "$bin/gemini" ]; then
  npm install --prefix "$cache" --no-audit --no-fund @anthropic-ai/claude-code @openai/codex @google/gemini-cli >/dev/null
fi
dotnet build src/Router.Http -v q -nologo >/dev/null && dotnet build tests/Router.FakeVendor -v q -nologo >/dev/null || { echo "build failed"; exit 1; }

work=$(mktemp -d)
workspace=$(mktemp -d) # where the CLIs run: empty, so nothing in it steers the fake
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done; wait 2>/dev/null; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
vendor_port=$(free_port)
router_port=$(free_port)

dotnet tests/Router.FakeVendor/bin/Debug/net10.0/Router.FakeVendor.dll --port "$vendor_port" >"$work/vendor.log" 2>&1 &
pids+=($!)

cat >"$work/config.yaml" <<YAML
server: { host: 127.0.0.1, port: $router_port, api_keys: [$key] }
auth: { dir: $work/auth }
logging: { level: info, dir: $work/logs }
providers:
  fake-openai: { type: openai, base_url: "http://127.0.0.1:$vendor_port/v1", api_keys: [k1] }
  fake-responses: { type: openai-responses, base_url: "http://127.0.0.1:$vendor_port/v1", api_keys: [k2] }
  fake-anthropic: { type: anthropic, base_url: "http://127.0.0.1:$vendor_port", api_keys: [k3] }
  fake-gemini: { type: gemini, base_url: "http://127.0.0.1:$vendor_port", api_keys: [k4] }
models:
  routing:
    - { pattern: "^codex-e2e$", providers: [fake-anthropic] }     # Responses client -> Anthropic upstream
    - { pattern: "^gemini-e2e$", providers: [fake-openai] }       # Gemini client -> OpenAI upstream
    - { pattern: "^responses-e2e$", providers: [fake-responses] }
    - { pattern: ".*", providers: [fake-gemini] }                 # Claude Code (any model it asks for) -> Gemini upstream
YAML
dotnet src/Router.Http/bin/Debug/net10.0/router.dll serve --config "$work/config.yaml" >"$work/router.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$router_port/v1/health" >/dev/null && break; sleep 0.2; done

results=()
failed=0
run() { # name upstream prompt expect -- command...
  local name=$1 upstream=$2 prompt=$3 expect=$4; shift 5
  local out="$work/$name-$(echo "$prompt" | tr -c 'A-Za-z' '_' | cut -c1-20).out"
  "$@" >"$out" 2>&1
  if grep -q "$expect" "$out"; then results+=("$name|$upstream|$prompt|PASS")
  else results+=("$name|$upstream|$prompt|FAIL"); failed=1; echo "--- $name ($prompt) failed; last lines:"; tail -20 "$out"; fi
}

claude_home=$(mktemp -d)
claude() {
  (cd "$workspace" && HOME=$claude_home ANTHROPIC_BASE_URL="http://127.0.0.1:$router_port" ANTHROPIC_API_KEY=$key \
  CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1 DISABLE_TELEMETRY=1 DISABLE_AUTOUPDATER=1 DISABLE_ERROR_REPORTING=1 \
  timeout 180 "$bin/claude" -p "$1" --model claude-e2e)
}
codex_home=$(mktemp -d); mkdir -p "$codex_home/.codex"
cat >"$codex_home/.codex/config.toml" <<TOML
model = "codex-e2e"
model_provider = "local"
[model_providers.local]
name = "local"
base_url = "http://127.0.0.1:$router_port/v1"
env_key = "LOCAL_KEY"
wire_api = "responses"
TOML
codex() { (cd "$workspace" && HOME=$codex_home LOCAL_KEY=$key timeout 180 "$bin/codex" exec --skip-git-repo-check "$1"); }
gemini_home=$(mktemp -d); mkdir -p "$gemini_home/.gemini"
echo '{"security":{"auth":{"selectedType":"gemini-api-key"}},"privacy":{"usageStatisticsEnabled":false},"telemetry":{"enabled":false}}' >"$gemini_home/.gemini/settings.json"
gemini() {
  (cd "$workspace" && HOME=$gemini_home GEMINI_CLI_TRUST_WORKSPACE=true GEMINI_API_KEY=$key GOOGLE_GEMINI_BASE_URL="http://127.0.0.1:$router_port" \
   timeout 180 "$bin/gemini" -p "$1" -m gemini-e2e)
}

run claude-code gemini "Say hello" "PONG" -- claude "Say hello"
run claude-code gemini "TOOLTEST list files" "TOOL-DONE" -- claude "TOOLTEST list files"
run codex-cli anthropic "Say hello" "PONG" -- codex "Say hello"
run codex-cli anthropic "TOOLTEST run echo" "TOOL-DONE" -- codex "TOOLTEST run echo"
run gemini-cli openai "Say hello" "PONG" -- gemini "Say hello"
run gemini-cli openai "TOOLTEST list files" "TOOL-DONE" -- gemini "TOOLTEST list files"

printf '\n%-12s | %-9s | %-20s | %s\n' client upstream prompt result
printf '%s\n' "-------------+-----------+----------------------+-------"
for r in "${results[@]}"; do IFS='|' read -r c u p s <<<"$r"; printf '%-12s | %-9s | %-20s | %s\n' "$c" "$u" "$p" "$s"; done
if [ "$failed" -ne 0 ]; then echo; echo "router log:"; tail -30 "$work/router.log"; echo "vendor log:"; tail -30 "$work/vendor.log"; fi
exit "$failed"
