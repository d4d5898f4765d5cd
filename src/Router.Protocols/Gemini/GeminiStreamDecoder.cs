using System.Net.ServerSentEvents;
using System.Text.Json.Nodes;
using Router.Protocols.Canonical;
using Router.Protocols.Json;

namespace Router.Protocols.Gemini;

/// <summary>
/// Gemini's SSE chunks (each a GenerateContentResponse) → canonical events. There is no end marker:
/// the chunk whose candidate carries a finishReason ends the message.
/// </summary>
internal sealed class GeminiStreamDecoder : IStreamDecoder
{
    private readonly GeminiResponses.CallIds _ids = new();
    private bool _started;
    private int _tools;
    private bool _sawCall;
    private Usage? _usage;

    public bool Completed { get; private set; }

    public IEnumerable<StreamEvent> Decode(SseItem<string> item)
    {
        if (GeminiChunkReader.TryRead(item.Data, out var plain))
        {
            var plainEvents = new List<StreamEvent>(2);
            Started(plainEvents, plain.ResponseId, plain.ModelVersion);
            if (plain.Usage is { } plainUsage) _usage = plainUsage;
            if (plain.Text is { Length: > 0 } text) plainEvents.Add(new TextDelta(text));
            Finish(plainEvents, plain.FinishReason);
            return plainEvents;
        }
        if (JsonRead.TryParse(item.Data) is not JsonObject chunk) return [];
        if (chunk["error"] is JsonObject error) return [new StreamFailed(GeminiErrors.Decode(JsonRead.Int(error, "code") ?? 500, error))];

        var events = new List<StreamEvent>();
        Started(events, JsonRead.Str(chunk, "responseId"), JsonRead.Str(chunk, "modelVersion"));
        if (chunk["usageMetadata"] is JsonObject usage) _usage = GeminiResponses.DecodeUsage(usage);
        if ((chunk["candidates"] as JsonArray)?.FirstOrDefault() is not JsonObject candidate) return events;

        foreach (var part in GeminiResponses.Parts(candidate, _ids))
            switch (part)
            {
                case TextPart text when text.Text.Length > 0:
                    events.Add(new TextDelta(text.Text));
                    break;
                case ReasoningPart reasoning:
                    events.Add(new ReasoningDelta(reasoning.Text, reasoning.Signature));
                    break;
                case ToolCallPart call:
                    _sawCall = true;
                    events.Add(new ToolCallStarted(_tools, call.Id, call.Name));
                    events.Add(new ToolCallArgumentsDelta(_tools++, call.ArgumentsJson));
                    break;
            }
        Finish(events, JsonRead.Str(candidate, "finishReason"));
        return events;
    }

    /// <summary>The message starts with the first chunk, whatever else it carries.</summary>
    private void Started(List<StreamEvent> events, string? id, string? model)
    {
        if (_started) return;
        _started = true;
        events.Add(new MessageStarted(id ?? "", model ?? ""));
    }

    /// <summary>The chunk whose candidate carries a finishReason ends the message.</summary>
    private void Finish(List<StreamEvent> events, string? reason)
    {
        if (reason is null) return;
        Completed = true;
        events.Add(new MessageFinished(_sawCall ? FinishReason.ToolCalls : GeminiResponses.Finish(reason, []), _usage));
    }
}
