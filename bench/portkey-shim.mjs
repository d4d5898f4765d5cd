// Preloaded into Portkey's gateway (node --import) by the bench Runner.
// Portkey 1.15.2 on Node appends x-portkey-* headers to streamed responses whose headers are the
// upstream fetch() response's own, which the fetch spec makes immutable: every stream then fails with
// "TypeError: immutable" (Portkey-AI/gateway issues #1389, #1550). This hands Portkey a copy of each
// fetch() response with mutable headers — what its own proposed fix (PR #1551) does — and changes nothing else.
const originalFetch = globalThis.fetch;
const OriginalResponse = globalThis.Response;
globalThis.fetch = async (...args) => {
  const r = await originalFetch(...args);
  return new OriginalResponse(r.body, { status: r.status, statusText: r.statusText, headers: new Headers(r.headers) });
};
