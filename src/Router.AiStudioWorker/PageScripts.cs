namespace Router.AiStudioWorker;

/// <summary>
/// The JavaScript the worker runs inside the signed-in page. Each relayed request becomes one in-page
/// `fetch` with the page's own credentials; every relay frame for it is built in the page and handed to
/// the worker through the <see cref="EmitBinding"/> binding, awaited, so the page reads the next body
/// chunk only once the previous one is on the socket (the stream is never buffered whole).
/// </summary>
internal static class PageScripts
{
    public const string EmitBinding = "__routerRelayEmit";

    /// <summary>Argument: { id, method, url, headers: {name: [values]}, body, stream }.</summary>
    public const string Fetch = """
        async ({ id, method, url, headers, body, stream }) => {
          const emit = (type, payload) => window.__routerRelayEmit(JSON.stringify({ id, type, payload }));
          const dropped = new Set(['content-encoding', 'content-length', 'transfer-encoding', 'connection']);
          const headerLists = (h) => {
            const lists = {};
            h.forEach((value, name) => { if (!dropped.has(name)) (lists[name] ??= []).push(value); });
            return lists;
          };
          const init = { method, headers: {}, credentials: 'include', cache: 'no-store' };
          for (const [name, values] of Object.entries(headers || {}))
            init.headers[name] = Array.isArray(values) ? values.join(', ') : String(values);
          if (body && method !== 'GET' && method !== 'HEAD') init.body = body;
          let response;
          try {
            response = await fetch(url, init);
          } catch (e) {
            await emit('error', { error: 'the page could not fetch the upstream: ' + e.message, status: 502 });
            return;
          }
          const isEventStream = (response.headers.get('content-type') || '').includes('text/event-stream');
          if (!response.ok || !(stream || isEventStream)) {
            const text = await response.text();
            await emit('http_response', { status: response.status, headers: headerLists(response.headers), body: text });
            return;
          }
          await emit('stream_start', { status: response.status, headers: headerLists(response.headers) });
          const reader = response.body.getReader();
          const decoder = new TextDecoder();
          try {
            for (;;) {
              const { done, value } = await reader.read();
              if (done) break;
              const data = decoder.decode(value, { stream: true });
              if (data) await emit('stream_chunk', { data });
            }
            const tail = decoder.decode();
            if (tail) await emit('stream_chunk', { data: tail });
            await emit('stream_end', {});
          } catch (e) {
            await emit('error', { error: 'the upstream stream broke in the page: ' + e.message, status: 502 });
          }
        }
        """;
}
