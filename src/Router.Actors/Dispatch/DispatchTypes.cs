using System.Text.Json.Nodes;
using Router.Protocols;
using Router.Protocols.Canonical;

namespace Router.Actors.Dispatch;

/// <summary>A client's request as the front end decoded it: its format, its raw body and its canonical form.</summary>
/// <param name="ClientHeaders">Headers an upstream of the same format may need (e.g. anthropic-beta), by lower-case name.</param>
public sealed record InboundCall(IWireFormat ClientFormat, JsonObject RawBody, ChatRequest Request, IReadOnlyDictionary<string, string>? ClientHeaders = null)
{
    public static readonly IReadOnlyDictionary<string, string> NoHeaders = new Dictionary<string, string>();

    public IReadOnlyDictionary<string, string> Headers => ClientHeaders ?? NoHeaders;

    /// <summary>The body's bytes as the client sent them, kept for a same-format upstream when the body is small; null otherwise.</summary>
    public ReadOnlyMemory<byte>? RawBytes { get; init; }
}

/// <summary>What the front end writes back, always in the client's format.</summary>
public abstract record DispatchResult
{
    /// <summary>The provider and account (by name) that answered, for the request log; null when none did.</summary>
    public string? Provider { get; init; }
    public string? Account { get; init; }
}

/// <summary>A whole answer (success, or an upstream's client error passed on) with its status.</summary>
public sealed record WholeAnswer(int Status, ReadOnlyMemory<byte> Body) : DispatchResult
{
    /// <summary>The usage the router read while translating the answer; null when it passed the body through (then UsageScan reads it).</summary>
    public Usage? Usage { get; init; }
}

/// <summary>An SSE stream in the client's format; a failure after the first byte is already an error frame in it.</summary>
public sealed record StreamAnswer(IAsyncEnumerable<ReadOnlyMemory<byte>> Frames) : DispatchResult
{
    /// <summary>Token usage the stream reported, known once it has ended (when the router decoded it).</summary>
    public UsageTap Usage { get; init; } = new();
}

/// <summary>Catches the usage a translated stream reports as it goes by.</summary>
public sealed class UsageTap
{
    public Usage? Value { get; set; }

    /// <summary>True once the stream ended with a failure (in band or a broken read).</summary>
    public bool Failed { get; set; }
}

/// <summary>No provider could answer; RetryAfter is set when every account is cooling down.</summary>
public sealed record FailedAnswer(ErrorInfo Error, TimeSpan? RetryAfter = null) : DispatchResult;
