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
        if (JsonRead.TryParse(item.Data) is not JsonObject chunk) return [];
        if (chunk["error"] is JsonObject error) return [new StreamFailed(GeminiErrors.Decode(JsonRead.Int(error, "code") ?? 500, error))];

        var events = new List<StreamEvent>();
        if (!_started)
        {
            _started = true;
            events.Add(new MessageStarted(JsonRead.Str(chunk, "responseId") ?? "", JsonRead.Str(chunk, "modelVersion") ?? ""));
        }
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
        if (JsonRead.Str(candidate, "finishReason") is { } finish)
        {
            Completed = true;
            events.Add(new MessageFinished(_sawCall ? FinishReason.ToolCalls : GeminiResponses.Finish(finish, []), _usage));
        }
        return events;
    }
}
