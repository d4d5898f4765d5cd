using System.Text;
using System.Text.Json.Nodes;
using Router.Protocols.Canonical;
using Router.Protocols.Json;

namespace Router.Protocols.Gemini;

/// <summary>
/// Canonical events → Gemini SSE chunks: one chunk per text delta; a function call goes out whole
/// once its arguments are complete (Gemini never streams arguments); the last chunk has the finish and usage.
/// </summary>
internal sealed class GeminiStreamEncoder(ChatRequest request) : IStreamEncoder
{
    private string _id = Ids.Hex(22);
    private string _model = request.Model;
    private ToolCallStarted? _call;
    private readonly StringBuilder _arguments = new();
    private Usage? _usage;

    public IEnumerable<SseFrame> Encode(StreamEvent streamEvent)
    {
        switch (streamEvent)
        {
            case MessageStarted started:
                if (started.Id.Length > 0) _id = started.Id;
                if (started.Model.Length > 0) _model = started.Model;
                return [];
            case TextDelta text:
                return [.. FlushCall(), Frame([new JsonObject { ["text"] = text.Text }], null)];
            case ReasoningDelta { Text.Length: > 0 } reasoning:
                return [.. FlushCall(), Frame([new JsonObject { ["text"] = reasoning.Text, ["thought"] = true }], null)];
            case ToolCallStarted call:
                var pending = FlushCall().ToList();
                _call = call;
                return pending;
            case ToolCallArgumentsDelta args:
                _arguments.Append(args.ArgumentsJsonDelta);
                return [];
            case UsageReported usage:
                _usage = usage.Usage;
                return [];
            case MessageFinished finished:
                return [.. FlushCall(), Frame([], finished.Reason, finished.Usage ?? _usage ?? new Usage(0, 0))];
            case StreamFailed failed:
                return [new SseFrame(null, GeminiErrors.Encode(failed.Error).ToJsonString())];
            default:
                return [];
        }
    }

    private IEnumerable<SseFrame> FlushCall()
    {
        if (_call is null) return [];
        var part = new JsonObject
        {
            ["functionCall"] = new JsonObject { ["name"] = _call.Name, ["args"] = JsonRead.TryParse(_arguments.ToString()) as JsonObject ?? new JsonObject(), ["id"] = _call.Id },
        };
        _call = null;
        _arguments.Clear();
        return [Frame([part], null)];
    }

    private SseFrame Frame(IEnumerable<JsonNode> parts, FinishReason? finish, Usage? usage = null) =>
        new(null, GeminiResponses.Chunk(_id, _model, parts, finish, usage).ToJsonString());
}
