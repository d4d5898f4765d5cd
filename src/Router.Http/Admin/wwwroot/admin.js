// The admin page: talks to the management API of the router that served it, with the management
// key kept in this tab's session storage. Every value from the router is put in the page as text
// (textContent), never as markup.
"use strict";

const keyStore = "router-management-key";
const $ = (id) => document.getElementById(id);
let refreshTimer = null;
let tailAbort = null;

function headers(extra) {
  const key = sessionStorage.getItem(keyStore) || "";
  const all = Object.assign({}, extra || {});
  if (key) all["X-Management-Key"] = key;
  return all;
}

async function api(method, path, body) {
  const init = { method, headers: headers(body === undefined ? {} : { "Content-Type": "application/json" }) };
  if (body !== undefined) init.body = JSON.stringify(body);
  const response = await fetch(path, init);
  const text = await response.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { json = null; }
  if (response.status === 401 || response.status === 403) throw Object.assign(new Error(errorText(json, text)), { status: response.status });
  return { status: response.status, ok: response.ok, json, text };
}

function errorText(json, text) {
  return (json && json.error && (json.error.message || json.error)) || text || "request failed";
}

function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === null || value === undefined) continue;
    if (name === "class") node.className = value; else node.setAttribute(name, value);
  }
  for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(child ?? ""));
  return node;
}

function say(text, isError) {
  const message = $("message");
  message.textContent = text;
  message.className = isError ? "error" : "";
}

function when(iso) {
  return iso ? new Date(iso).toLocaleString() : "";
}

// ---- sign-in to the page ------------------------------------------------------------------

async function signIn(key) {
  sessionStorage.setItem(keyStore, key);
  try {
    await refreshProviders();
  } catch (error) {
    sessionStorage.removeItem(keyStore);
    $("sign-in-error").textContent = error.status === 401 ? "That management key is not right." : error.message;
    return;
  }
  $("sign-in-error").textContent = "";
  $("sign-in-panel").hidden = true;
  $("console").hidden = false;
  $("sign-out-admin").hidden = false;
  refreshTimer = setInterval(() => refreshProviders().catch(signedOut), 2000);
  loadUsage();
  startTail();
  loadConfig();
}

function signedOut() {
  clearInterval(refreshTimer);
  if (tailAbort) tailAbort.abort();
  sessionStorage.removeItem(keyStore);
  $("console").hidden = true;
  $("sign-out-admin").hidden = true;
  $("sign-in-panel").hidden = false;
}

// ---- providers and accounts ---------------------------------------------------------------

function accountState(account) {
  const cooling = account.cooldown_until && new Date(account.cooldown_until) > new Date();
  return cooling && account.health === "healthy" ? "cooling" : account.health;
}

function providerState(provider) {
  const accounts = provider.accounts || [];
  if (provider.health === "healthy" || provider.health === "degraded") {
    if (accounts.length > 0 && accounts.every((a) => accountState(a) === "cooling")) return "cooling";
  }
  return provider.health;
}

function badge(state) {
  return el("span", { class: `health health-${state}`, "data-health": state }, state);
}

function signOutPath(provider, account) {
  if (!account.identity) return null;
  const id = encodeURIComponent(account.identity);
  switch (provider.type) {
    case "claude-oauth": return `/v1/auth/llmux/claude?email=${id}&provider=${encodeURIComponent(provider.name)}`;
    case "chatgpt-oauth": return `/v1/auth/llmux/chatgpt?email=${id}&provider=${encodeURIComponent(provider.name)}`;
    case "ctonew": return `/v1/auth/ctonew?session=${id}`;
    case "aistudio": return `/v1/auth/aistudio?worker=${encodeURIComponent(account.name)}`;
    default: return null;
  }
}

function button(label, attributes, action) {
  const b = el("button", attributes, label);
  b.addEventListener("click", async () => {
    b.disabled = true;
    try { await action(); } catch (error) { say(error.message, true); } finally { b.disabled = false; }
  });
  return b;
}

async function refreshProviders() {
  const { json } = await api("GET", "/v0/management/status");
  const router = json.router || {};
  $("router-line").textContent = `pid ${router.pid} · up ${router.uptime_seconds}s · ${router.version || ""}`;
  const body = $("provider-table").querySelector("tbody");
  const rows = [];
  for (const provider of json.providers || []) {
    const actions = el("td");
    if (provider.service) {
      actions.append(button("Restart", { "data-restart": provider.name }, async () => {
        const answer = await api("POST", `/v0/management/services/${encodeURIComponent(provider.name)}/restart`);
        say(answer.ok ? `${provider.name} restarted (pid ${answer.json.pid})` : errorText(answer.json, answer.text), !answer.ok);
      }));
    }
    const service = provider.service ? ` · service ${provider.service.health}, pid ${provider.service.pid ?? "-"}, restarts ${provider.service.restarts}` : "";
    rows.push(el("tr", { class: "provider", "data-provider": provider.name },
      el("td", {}, provider.name), el("td", {}, provider.type), el("td", {}, badge(providerState(provider))),
      el("td", {}, (provider.detail || "") + service), el("td"), el("td"), el("td"), el("td"), actions));
    for (const account of provider.accounts || []) {
      const accountActions = el("td");
      const out = signOutPath(provider, account);
      if (out) accountActions.append(button("Sign out", { "data-sign-out": account.name }, async () => {
        const answer = await api("DELETE", out);
        say(answer.ok ? `${account.name} signed out` : errorText(answer.json, answer.text), !answer.ok);
        await refreshProviders();
      }));
      accountActions.append(button("Reset", { "data-reset": account.name }, async () => {
        const answer = await api("POST", `/v0/management/accounts/${encodeURIComponent(account.name)}/reset`);
        say(answer.ok ? `${account.name} reset` : errorText(answer.json, answer.text), !answer.ok);
        await refreshProviders();
      }));
      rows.push(el("tr", { class: "account", "data-account": account.name },
        el("td", {}, account.identity ? `${account.name} (${account.identity})` : account.name), el("td"),
        el("td", {}, badge(accountState(account))), el("td", {}, account.reason || ""),
        el("td", {}, when(account.cooldown_until)), el("td", {}, when(account.token_expires_at)),
        el("td", {}, String(account.in_flight ?? "")), el("td", {}, String(account.requests ?? "")), accountActions));
    }
  }
  body.replaceChildren(...rows);
}

async function startSignIn(kind) {
  if (kind === "ctonew") {
    $("ctonew-form").hidden = false;
    $("ctonew-cookie").focus();
    return;
  }
  if (kind === "aistudio") {
    const answer = await api("POST", "/v1/auth/aistudio/login");
    say(answer.ok ? "The AI Studio worker opened a browser window: sign in there." : errorText(answer.json, answer.text), !answer.ok);
    return;
  }
  const answer = await api("GET", `/v1/auth/llmux/${kind}/login`);
  if (!answer.ok) { say(errorText(answer.json, answer.text), true); return; }
  window.open(answer.json.url, "_blank", "noopener");
  say(`Finish the ${kind} sign-in in the window that opened; the account appears here when it is done.`);
}

async function storeCtoNew(event) {
  event.preventDefault();
  const cookie = $("ctonew-cookie").value;
  const answer = await api("POST", "/v1/auth/ctonew", { clerk_jwt_cookie: cookie });
  $("ctonew-cookie").value = "";
  $("ctonew-form").hidden = answer.ok;
  say(answer.ok ? `ctonew session stored as ${answer.json.account}` : errorText(answer.json, answer.text), !answer.ok);
  await refreshProviders();
}

// ---- usage -----------------------------------------------------------------------------------

function isoDay(date) {
  return date.toISOString().slice(0, 10);
}

function usageQuery(groupBy) {
  return `/v0/management/usage?from=${$("usage-from").value}&to=${$("usage-to").value}&group_by=${groupBy}`;
}

function barChart(container, rows, label, value, title) {
  const width = 640, barHeight = 18, gap = 4, labelWidth = 140;
  const max = Math.max(1, ...rows.map(value));
  const svgNs = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(svgNs, "svg");
  svg.setAttribute("viewBox", `0 0 ${width} ${Math.max(1, rows.length) * (barHeight + gap)}`);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", title);
  rows.forEach((row, i) => {
    const y = i * (barHeight + gap);
    const name = document.createElementNS(svgNs, "text");
    name.setAttribute("x", 0); name.setAttribute("y", y + barHeight - 5);
    name.textContent = label(row);
    const bar = document.createElementNS(svgNs, "rect");
    bar.setAttribute("x", labelWidth); bar.setAttribute("y", y);
    bar.setAttribute("height", barHeight);
    bar.setAttribute("width", Math.max(1, (width - labelWidth - 60) * value(row) / max));
    bar.setAttribute("data-label", label(row)); bar.setAttribute("data-value", value(row));
    const amount = document.createElementNS(svgNs, "text");
    amount.setAttribute("x", labelWidth + 4 + (width - labelWidth - 60) * value(row) / max); amount.setAttribute("y", y + barHeight - 5);
    amount.textContent = String(value(row));
    svg.append(name, bar, amount);
  });
  container.replaceChildren(rows.length ? svg : el("p", { class: "muted" }, "No usage in this range."));
}

async function loadUsage(event) {
  if (event) event.preventDefault();
  const byDay = await api("GET", usageQuery("day"));
  const byKey = await api("GET", usageQuery("key"));
  if (!byDay.ok || !byKey.ok) { say(errorText((byDay.ok ? byKey : byDay).json, ""), true); return; }
  barChart($("usage-by-day"), byDay.json.rows, (r) => r.day, (r) => r.requests || 0, "Requests per day");
  barChart($("usage-by-key"), byKey.json.rows, (r) => r.key, (r) => (r.input_tokens || 0) + (r.output_tokens || 0), "Tokens per client key");
}

async function exportCsv(event) {
  event.preventDefault();
  const response = await fetch(usageQuery("day,key,provider,model") + "&format=csv", { headers: headers() });
  const link = el("a", { href: URL.createObjectURL(await response.blob()), download: `usage-${$("usage-from").value}-${$("usage-to").value}.csv` });
  link.click();
}

// ---- live request tail --------------------------------------------------------------------

async function startTail() {
  tailAbort = new AbortController();
  const body = $("request-table").querySelector("tbody");
  try {
    const response = await fetch("/v0/management/requests/tail", { headers: headers(), signal: tailAbort.signal });
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let pending = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      pending += value;
      const lines = pending.split("\n");
      pending = lines.pop();
      for (const line of lines.filter((l) => l.trim())) {
        const r = JSON.parse(line);
        body.prepend(el("tr", { "data-request": r.model || "" },
          el("td", {}, new Date().toLocaleTimeString()), el("td", {}, r.path), el("td", {}, r.model || ""),
          el("td", {}, r.provider || ""), el("td", {}, r.account || ""), el("td", {}, String(r.status)),
          el("td", {}, String(r.latency_ms)), el("td", {}, `${r.input_tokens ?? "-"} / ${r.output_tokens ?? "-"}`)));
        while (body.rows.length > 100) body.deleteRow(-1);
      }
    }
  } catch (error) {
    if (error.name !== "AbortError") setTimeout(startTail, 2000);
  }
}

// ---- config --------------------------------------------------------------------------------

async function loadConfig() {
  const answer = await api("GET", "/v0/management/config");
  $("config-text").value = answer.ok ? answer.json.text : "";
  $("config-result").textContent = answer.ok ? `${answer.json.path} (${answer.json.secrets} secrets masked)` : errorText(answer.json, answer.text);
}

async function validateConfig() {
  const answer = await api("POST", "/v0/management/config/validate", { text: $("config-text").value });
  $("config-result").textContent = !answer.ok ? errorText(answer.json, answer.text) : answer.json.valid ? "Valid." : answer.json.error;
}

async function applyConfig() {
  const answer = await api("POST", "/v0/management/config", { text: $("config-text").value });
  const result = answer.json || {};
  if (!answer.ok || result.applied === false) {
    $("config-result").textContent = `Not applied: ${result.error || errorText(answer.json, answer.text)}`;
    return;
  }
  await loadConfig();
  const changes = (result.changes || []).join("; ") || "no change";
  const restart = (result.restart_needed || []).length ? ` Needs a restart: ${result.restart_needed.join(", ")}.` : "";
  $("config-result").textContent = `Applied: ${changes}.${restart}`;
  await refreshProviders();
}

async function reloadConfig() {
  const answer = await api("POST", "/v0/management/reload");
  const result = answer.json || {};
  await loadConfig();
  $("config-result").textContent = result.applied ? `Reloaded: ${(result.changes || []).join("; ") || "no change"}` : `Not reloaded: ${result.error || errorText(answer.json, answer.text)}`;
}

// ---- wiring ----------------------------------------------------------------------------------

document.addEventListener("DOMContentLoaded", () => {
  const today = new Date();
  $("usage-to").value = isoDay(today);
  $("usage-from").value = isoDay(new Date(today.getTime() - 13 * 86400000));
  $("sign-in-form").addEventListener("submit", (event) => { event.preventDefault(); signIn($("management-key").value); });
  $("sign-out-admin").addEventListener("click", signedOut);
  for (const b of document.querySelectorAll("[data-sign-in]"))
    b.addEventListener("click", () => startSignIn(b.dataset.signIn).catch((error) => say(error.message, true)));
  $("ctonew-form").addEventListener("submit", (event) => storeCtoNew(event).catch((error) => say(error.message, true)));
  $("usage-form").addEventListener("submit", (event) => loadUsage(event).catch((error) => say(error.message, true)));
  $("usage-csv").addEventListener("click", (event) => exportCsv(event).catch((error) => say(error.message, true)));
  $("config-validate").addEventListener("click", () => validateConfig().catch((error) => say(error.message, true)));
  $("config-apply").addEventListener("click", () => applyConfig().catch((error) => say(error.message, true)));
  $("config-reload").addEventListener("click", () => reloadConfig().catch((error) => say(error.message, true)));
  if (sessionStorage.getItem(keyStore) !== null) signIn(sessionStorage.getItem(keyStore));
});
