using System.Net.ServerSentEvents;
using System.Text.Json.Nodes;
using Router.Protocols.Canonical;

namespace Router.Protocols;

/// <summary>
/// One wire format (OpenAI Chat, Anthropic Messages, ...), in both directions: a client's request
/// decodes into the canonical model and an upstream's request encodes from it; an upstream's answer
/// (whole or streamed) decodes into canonical form and a client's answer encodes from it.
/// Implementations are stateless and thread-safe; stream codecs are created per stream.
/// </summary>
public interface IWireFormat
{
    /// <summary>Decodes and validates a client's request body. Throws <see cref="ProtocolException"/> on bad input.</summary>
    ChatRequest DecodeRequest(JsonObject body);

    /// <summary>The body to send upstream for <paramref name="request"/>, using <paramref name="upstreamModel"/>.</summary>
    JsonObject EncodeRequest(ChatRequest request, string upstreamModel);

    /// <summary>Decodes an upstream's whole answer. Throws <see cref="ProtocolException"/> when it is not this format.</summary>
    ChatResponse DecodeResponse(JsonObject body);

    /// <summary>The body a client of this format expects for a whole answer.</summary>
    JsonObject EncodeResponse(ChatResponse response);

    /// <summary>Turns this format's SSE items into canonical events (stateful, one per stream).</summary>
    IStreamDecoder CreateStreamDecoder();

    /// <summary>Turns canonical events into this format's SSE frames (stateful, one per stream).</summary>
    IStreamEncoder CreateStreamEncoder(ChatRequest request);

    /// <summary>Reads an upstream error answer of this format (any status) into an ErrorInfo.</summary>
    ErrorInfo DecodeError(int status, string body);

    /// <summary>The error body a client of this format expects.</summary>
    JsonObject EncodeError(ErrorInfo error);

    /// <summary>Top-level request fields this format's decoder carries into the canonical request; others are dropped on translation.</summary>
    IReadOnlySet<string> UnderstoodFields { get; }

    /// <summary>
    /// The client's own body for an upstream of the same format: untouched but for the model name.
    /// Formats that carry the model in the URL (Gemini) leave the body as it is.
    /// </summary>
    JsonObject PassThroughBody(JsonObject clientBody, string upstreamModel)
    {
        clientBody["model"] = upstreamModel;
        return clientBody;
    }

    /// <summary>
    /// The same as <see cref="PassThroughBody"/>, from the bytes the client sent (which it leaves as they
    /// are but for the model's value); null when they cannot be used as they are and the body must be
    /// written from the tree.
    /// </summary>
    ReadOnlyMemory<byte>? PassThroughBytes(ReadOnlyMemory<byte> clientBody, string upstreamModel) =>
        Json.ModelField.WithModel(clientBody, upstreamModel);
}

public interface IStreamDecoder
{
    /// <summary>Canonical events for one SSE item. May be empty (e.g. pings) or several.</summary>
    IEnumerable<StreamEvent> Decode(SseItem<string> item);

    /// <summary>
    /// True once the format's end marker was seen ([DONE], message_stop, ...). An upstream error event
    /// is not an end marker: the decoder answers it with a StreamFailed, and the pipeline that reads
    /// the decoder ends the stream at its first StreamFailed, whatever the format.
    /// </summary>
    bool Completed { get; }
}

public interface IStreamEncoder
{
    /// <summary>SSE frames for one canonical event. May be empty or several.</summary>
    IEnumerable<SseFrame> Encode(StreamEvent streamEvent);
}

/// <summary>One SSE frame to write: optional event name and one data payload.</summary>
public readonly record struct SseFrame(string? EventType, string Data)
{
    /// <summary>The frame as it goes on the wire: "event: X\ndata: Y\n\n".</summary>
    public string ToWire() => EventType is null ? $"data: {Data}\n\n" : $"event: {EventType}\ndata: {Data}\n\n";

    /// <summary>The same text as <see cref="ToWire"/>, UTF-8 encoded straight into one array of its size.</summary>
    public byte[] ToWireBytes()
    {
        var utf8 = System.Text.Encoding.UTF8;
        var length = (EventType is null ? 0 : "event: ".Length + utf8.GetByteCount(EventType) + 1) + "data: ".Length + utf8.GetByteCount(Data) + 2;
        var bytes = new byte[length];
        var rest = bytes.AsSpan();
        if (EventType is not null)
        {
            "event: "u8.CopyTo(rest);
            rest = rest["event: ".Length..];
            rest = rest[utf8.GetBytes(EventType, rest)..];
            rest[0] = (byte)'\n';
            rest = rest[1..];
        }
        "data: "u8.CopyTo(rest);
        rest = rest["data: ".Length..];
        rest = rest[utf8.GetBytes(Data, rest)..];
        rest[0] = rest[1] = (byte)'\n';
        return bytes;
    }
}
