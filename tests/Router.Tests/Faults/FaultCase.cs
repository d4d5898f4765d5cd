using System.Text.Json.Nodes;
using Router.Tests.Fakes;
using static Router.Tests.Fakes.WireReplies;

namespace Router.Tests.Faults;

/// <summary>The ways an upstream (or the router's own parts around a call) can fail.</summary>
public enum Fault
{
    ConnectionRefused,
    ResetBeforeHeaders,
    HeadersThenReset,
    ResetMidStream,
    HangBeforeHeaders,
    HangMidStream,
    RateLimitedWithRetryAfter,
    RateLimitedWithoutRetryAfter,
    Status500,
    Status502,
    Status401,
    Status403,
    Status400,
    TokenServerSlow,
    TokenServerDown,
    AccountCrashesDuringCall,
}

/// <summary>What the client must get: an answer with this text, an error with this status, or a stream cut with one error event.</summary>
public sealed record Expected(int Status, string? Text = null, bool BrokenStream = false)
{
    public override string ToString() => BrokenStream ? "200, partial stream + 1 error event" : Text is not null ? $"{Status} \"{Text}\"" : $"{Status} error";
}

/// <summary>One cell of the fault matrix: a fault, streamed or whole, with or without a backup provider.</summary>
public sealed record FaultCase(int Index, Fault Fault, bool Stream, bool Backup)
{
    public string Provider => $"p{Index}";
    public string Model => $"case-{Index}";
    /// <summary>The case's own upstream key: it must never reach the client.</summary>
    public string Key => $"sk-case-{Index}-do-not-leak";

    public bool SignsIn => Fault is Fault.TokenServerSlow or Fault.TokenServerDown;

    public override string ToString() => $"{Fault} {(Stream ? "stream" : "whole")} {(Backup ? "with backup" : "alone")}";

    public static IReadOnlyList<FaultCase> All { get; } = Enum.GetValues<Fault>()
        .SelectMany(f => new[] { (f, false, false), (f, false, true), (f, true, false), (f, true, true) })
        .Select((c, i) => new FaultCase(i, c.Item1, c.Item2, c.Item3))
        .ToList();

    /// <summary>The rules of failover: before the first byte fail over on anything but a 400; after it, end the stream with one error event.</summary>
    public Expected Expect() => Fault switch
    {
        Fault.AccountCrashesDuringCall => new(200, "from primary"),
        Fault.Status400 => new(400),
        Fault.ResetMidStream or Fault.HangMidStream when Stream => new(200, "partial ", BrokenStream: true),
        _ when Backup => new(200, "from backup"),
        Fault.HangBeforeHeaders or Fault.HangMidStream or Fault.TokenServerSlow => new(504),
        Fault.RateLimitedWithRetryAfter or Fault.RateLimitedWithoutRetryAfter => new(429),
        Fault.Status401 or Fault.Status403 or Fault.TokenServerDown => new(503),
        _ => new(502),
    };

    /// <summary>How the primary fake answers this case (the faults that are not the fake's are answered normally).</summary>
    public FakeUpstream.Reply PrimaryReply(Action crashAccount) => Fault switch
    {
        Fault.ResetBeforeHeaders => Drop,
        Fault.HeadersThenReset => HeadersThenDrop(Stream ? "text/event-stream" : "application/json"),
        Fault.ResetMidStream => Stream ? OpenAiWire.StreamText(["partial ", "answer"], breakBeforeEnd: true) : PartThenDrop("application/json", """{"id":"chatcmpl-1","object":"chat.comp"""),
        Fault.HangBeforeHeaders => Hang,
        Fault.HangMidStream => Stream
            ? SseThenHang([Frame("""{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"partial "},"finish_reason":null}]}""")])
            : PartThenHang("application/json", """{"id":"chatcmpl-1","object":"chat.comp"""),
        Fault.RateLimitedWithRetryAfter => OpenAiWire.RateLimited(30),
        Fault.RateLimitedWithoutRetryAfter => EchoingError(429, "rate_limit_exceeded"),
        Fault.Status500 => EchoingError(500, "server_error"),
        Fault.Status502 => EchoingError(502, "bad_gateway"),
        Fault.Status401 => EchoingError(401, "invalid_api_key"),
        Fault.Status403 => EchoingError(403, "permission_denied"),
        Fault.Status400 => EchoingError(400, "invalid_request_error"),
        Fault.AccountCrashesDuringCall => async (c, b) =>
        {
            crashAccount();
            await Task.Delay(300); // the account restarts while the call is in flight
            await Answer("from primary")(c, b);
        },
        _ => Answer("from primary"),
    };

    private FakeUpstream.Reply Answer(string text) => Stream ? OpenAiWire.StreamText(text.Split(' ').Select((w, i) => i == 0 ? w : " " + w)) : OpenAiWire.Text(text);

    /// <summary>An OpenAI-shaped error that, like some vendors, repeats the request's Authorization header.</summary>
    public static FakeUpstream.Reply EchoingError(int status, string code) => async (c, b) =>
    {
        var echoed = c.Request.Headers.Authorization.ToString();
        var error = new JsonObject { ["message"] = $"Request refused ({status}); you sent '{echoed}'", ["type"] = code, ["param"] = null, ["code"] = code };
        await Json(status, Compact(new JsonObject { ["error"] = error }))(c, b);
    };
}
