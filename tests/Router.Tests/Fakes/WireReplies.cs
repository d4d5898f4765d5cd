using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Router.Tests.Fakes;

/// <summary>Writing helpers the vendor fakes share: JSON bodies, SSE frames with pauses, broken connections.</summary>
public static class WireReplies
{
    /// <summary>A whole JSON answer with its Content-Length, as vendors send one.</summary>
    public static FakeUpstream.Reply Json(int status, string json, IDictionary<string, string>? headers = null) => async (c, _) =>
    {
        c.Response.StatusCode = status;
        c.Response.ContentType = "application/json";
        c.Response.ContentLength = Encoding.UTF8.GetByteCount(json);
        foreach (var (k, v) in headers ?? new Dictionary<string, string>()) c.Response.Headers[k] = v;
        await c.Response.WriteAsync(json);
    };

    /// <summary>Declares a Content-Length, sends only the start of the body, then resets the connection.</summary>
    public static FakeUpstream.Reply DeclaredLengthThenDrop(string part, int declared) => async (c, _) =>
    {
        c.Response.ContentLength = declared;
        await WritePart(c, "application/json", part);
        await LetItArrive(c);
        c.Abort();
    };

    /// <summary>SSE frames exactly as given, flushed one by one with an optional pause between them.</summary>
    public static FakeUpstream.Reply Sse(IEnumerable<string> frames, TimeSpan? pause = null, bool abortAtEnd = false) => async (c, _) =>
    {
        c.Response.StatusCode = 200;
        c.Response.ContentType = "text/event-stream";
        c.Response.Headers.CacheControl = "no-cache";
        foreach (var frame in frames)
        {
            await c.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(frame));
            await c.Response.Body.FlushAsync();
            if (pause is { } p) await Task.Delay(p, c.RequestAborted);
        }
        if (abortAtEnd)
        {
            // Let the frames reach the peer first: a reset discards data still in flight.
            await Task.Delay(200);
            c.Abort();
        }
    };

    /// <summary>Never answers (until the client gives up).</summary>
    public static FakeUpstream.Reply Hang => async (c, _) => await Task.Delay(Timeout.Infinite, c.RequestAborted).ContinueWith(_ => { });

    /// <summary>Drops the connection without an answer.</summary>
    public static FakeUpstream.Reply Drop => (c, _) => { c.Abort(); return Task.CompletedTask; };

    /// <summary>Sends the answer's status and headers, then resets the connection before the first body byte.</summary>
    public static FakeUpstream.Reply HeadersThenDrop(string contentType) => async (c, _) =>
    {
        c.Response.StatusCode = 200;
        c.Response.ContentType = contentType;
        await c.Response.StartAsync();
        await c.Response.Body.FlushAsync();
        await LetItArrive(c);
        c.Abort();
    };

    /// <summary>Sends the start of a body, then resets the connection.</summary>
    public static FakeUpstream.Reply PartThenDrop(string contentType, string part) => async (c, _) =>
    {
        await WritePart(c, contentType, part);
        await LetItArrive(c);
        c.Abort();
    };

    /// <summary>Sends the start of a body, then says nothing more (until the client gives up).</summary>
    public static FakeUpstream.Reply PartThenHang(string contentType, string part) => async (c, b) =>
    {
        await WritePart(c, contentType, part);
        await Hang(c, b);
    };

    /// <summary>The given SSE frames, then silence (until the client gives up).</summary>
    public static FakeUpstream.Reply SseThenHang(IEnumerable<string> frames) => async (c, b) =>
    {
        await Sse(frames)(c, b);
        await Hang(c, b);
    };

    private static async Task WritePart(HttpContext c, string contentType, string part)
    {
        c.Response.StatusCode = 200;
        c.Response.ContentType = contentType;
        await c.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(part));
        await c.Response.Body.FlushAsync();
    }

    // A reset discards data still in flight: give what was written a moment to reach the peer.
    private static Task LetItArrive(HttpContext c) => Task.Delay(200, c.RequestAborted).ContinueWith(_ => { });

    public static string Frame(string data) => $"data: {data}\n\n";

    public static string Frame(string eventName, string data) => $"event: {eventName}\ndata: {data}\n\n";

    public static string Compact(JsonNode node) => node.ToJsonString();
}
