// Fake LLM upstream for the benchmark: OpenAI Chat Completions and Anthropic Messages, JSON or SSE.
//   dotnet FakeUpstream.dll [--port 18400] [--chunks 20] [--delay-ms 0] [--h2c-port P] [--h2c-max-streams 100]
// --h2c-port also serves the same endpoints on P over cleartext HTTP/2 only (prior knowledge), as an upstream
// that carries many streams on one connection.
// GET /stats answers {"openai":N,"anthropic":N,"h2c_connections":N,"h2c_peak_connections":N} (requests served;
// HTTP/2 connections open now and at most), so a harness can check a proxy really reached it.
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Server.Kestrel.Core;

var port = 18400;
var chunks = 20;
var delayMs = 0;
int? h2cPort = null;
var h2cMaxStreams = 100; // Kestrel's default SETTINGS_MAX_CONCURRENT_STREAMS
for (var i = 0; i < args.Length - 1; i++)
{
    switch (args[i])
    {
        case "--port": port = int.Parse(args[++i]); break;
        case "--chunks": chunks = int.Parse(args[++i]); break;
        case "--delay-ms": delayMs = int.Parse(args[++i]); break;
        case "--h2c-port": h2cPort = int.Parse(args[++i]); break;
        case "--h2c-max-streams": h2cMaxStreams = int.Parse(args[++i]); break;
    }
}

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.WebHost.UseSockets(o => o.Backlog = 4096); // 10 000 streams connect at once in the soak
long h2cConnections = 0, h2cPeakConnections = 0;
builder.WebHost.ConfigureKestrel(k =>
{
    k.Listen(System.Net.IPAddress.Loopback, port);
    k.Limits.MaxConcurrentConnections = null;
    k.Limits.Http2.MaxStreamsPerConnection = h2cMaxStreams;
    if (h2cPort is { } p)
        k.Listen(System.Net.IPAddress.Loopback, p, listen =>
        {
            listen.Protocols = HttpProtocols.Http2;
            listen.Use(next => async connection =>
            {
                var now = Interlocked.Increment(ref h2cConnections);
                long peak;
                while (now > (peak = Interlocked.Read(ref h2cPeakConnections)) && Interlocked.CompareExchange(ref h2cPeakConnections, now, peak) != peak) { }
                try { await next(connection); }
                finally { Interlocked.Decrement(ref h2cConnections); }
            });
        });
});
var app = builder.Build();

long openAiCount = 0, anthropicCount = 0, geminiCount = 0;
var tokens = Enumerable.Range(0, chunks).Select(i => $"tok{i} ").ToArray();
var fullText = string.Concat(tokens);
var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

app.MapGet("/stats", () => Results.Text(
    $"{{\"openai\":{Interlocked.Read(ref openAiCount)},\"anthropic\":{Interlocked.Read(ref anthropicCount)},\"gemini\":{Interlocked.Read(ref geminiCount)}," +
    $"\"h2c_connections\":{Interlocked.Read(ref h2cConnections)},\"h2c_peak_connections\":{Interlocked.Read(ref h2cPeakConnections)}}}", "application/json"));
app.MapAccountFakes(tokens, () => Interlocked.Increment(ref geminiCount));

app.MapPost("/v1/chat/completions", async (HttpContext ctx) =>
{
    Interlocked.Increment(ref openAiCount);
    var (model, stream) = await ReadRequest(ctx);
    var res = ctx.Response;
    if (!stream)
    {
        var body = JsonSerializer.Serialize(new
        {
            id = "chatcmpl-bench", @object = "chat.completion", created, model,
            choices = new[] { new { index = 0, message = new { role = "assistant", content = fullText }, finish_reason = "stop" } },
            usage = new { prompt_tokens = 10, completion_tokens = chunks, total_tokens = 10 + chunks },
        });
        res.ContentType = "application/json";
        await res.WriteAsync(body);
        return;
    }
    res.ContentType = "text/event-stream";
    res.Headers.CacheControl = "no-cache";
    var prefix = $"{{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":{created},\"model\":{JsonSerializer.Serialize(model)},\"choices\":[";
    for (var i = 0; i < chunks; i++)
    {
        if (i > 0 && delayMs > 0) await Task.Delay(delayMs, ctx.RequestAborted);
        var delta = i == 0 ? $"{{\"role\":\"assistant\",\"content\":\"{tokens[i]}\"}}" : $"{{\"content\":\"{tokens[i]}\"}}";
        await Send(res, $"data: {prefix}{{\"index\":0,\"delta\":{delta},\"finish_reason\":null}}]}}\n\n");
    }
    await Send(res, $"data: {prefix}{{\"index\":0,\"delta\":{{}},\"finish_reason\":\"stop\"}}],\"usage\":{{\"prompt_tokens\":10,\"completion_tokens\":{chunks},\"total_tokens\":{10 + chunks}}}}}\n\n");
    await Send(res, "data: [DONE]\n\n");
});

app.MapPost("/v1/messages", async (HttpContext ctx) =>
{
    Interlocked.Increment(ref anthropicCount);
    var (model, stream) = await ReadRequest(ctx);
    var res = ctx.Response;
    var m = JsonSerializer.Serialize(model);
    if (!stream)
    {
        res.ContentType = "application/json";
        await res.WriteAsync(
            $"{{\"id\":\"msg_bench\",\"type\":\"message\",\"role\":\"assistant\",\"model\":{m},\"content\":[{{\"type\":\"text\",\"text\":\"{fullText}\"}}]," +
            $"\"stop_reason\":\"end_turn\",\"stop_sequence\":null,\"usage\":{{\"input_tokens\":10,\"output_tokens\":{chunks}}}}}");
        return;
    }
    res.ContentType = "text/event-stream";
    res.Headers.CacheControl = "no-cache";
    await Send(res, "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_bench\",\"type\":\"message\",\"role\":\"assistant\"," +
                    $"\"model\":{m},\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{{\"input_tokens\":10,\"output_tokens\":1}}}}}}\n\n");
    await Send(res, "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n");
    for (var i = 0; i < chunks; i++)
    {
        if (i > 0 && delayMs > 0) await Task.Delay(delayMs, ctx.RequestAborted);
        await Send(res, $"event: content_block_delta\ndata: {{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{{\"type\":\"text_delta\",\"text\":\"{tokens[i]}\"}}}}\n\n");
    }
    await Send(res, "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n");
    await Send(res, $"event: message_delta\ndata: {{\"type\":\"message_delta\",\"delta\":{{\"stop_reason\":\"end_turn\",\"stop_sequence\":null}},\"usage\":{{\"output_tokens\":{chunks}}}}}\n\n");
    await Send(res, "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
});

Console.WriteLine($"fake upstream on http://127.0.0.1:{port}{(h2cPort is { } hp ? $" and h2c on {hp}" : "")} chunks={chunks} delay-ms={delayMs}");
app.Run();

static async Task<(string Model, bool Stream)> ReadRequest(HttpContext ctx)
{
    using var doc = await JsonDocument.ParseAsync(ctx.Request.Body);
    var root = doc.RootElement;
    var model = root.TryGetProperty("model", out var mm) && mm.ValueKind == JsonValueKind.String ? mm.GetString()! : "unknown";
    var stream = root.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;
    return (model, stream);
}

static async Task Send(HttpResponse res, string text)
{
    await res.Body.WriteAsync(Encoding.UTF8.GetBytes(text));
    await res.Body.FlushAsync();
}
