using System.Net.ServerSentEvents;
using System.Text.Json.Nodes;
using Router.Protocols.Canonical;
using Router.Protocols.Json;
using Router.Protocols.OpenAi;

namespace Router.Protocols.OpenAiResponses;

/// <summary>Responses stream events (response.created … response.completed) → canonical events.</summary>
internal sealed class ResponsesStreamDecoder : IStreamDecoder
{
    private readonly Dictionary<string, int> _toolIndexByItem = [];

    public bool Completed { get; private set; }

    public IEnumerable<StreamEvent> Decode(SseItem<string> item)
    {
        if (JsonRead.TryParse(item.Data) is not JsonObject data) return [];
        switch (JsonRead.Str(data, "type") ?? item.EventType)
        {
            case "response.created":
                return [new MessageStarted(JsonRead.Str(data["response"], "id") ?? "", JsonRead.Str(data["response"], "model") ?? "")];
            case "response.output_text.delta":
                return [new TextDelta(JsonRead.Str(data, "delta") ?? "")];
            case "response.reasoning_summary_text.delta" or "response.reasoning_text.delta":
                return [new ReasoningDelta(JsonRead.Str(data, "delta") ?? "")];
            case "response.output_item.added" when data["item"] is JsonObject added && JsonRead.Str(added, "type") == "function_call":
                var index = _toolIndexByItem.Count;
                _toolIndexByItem[JsonRead.Str(added, "id") ?? $"item{index}"] = index;
                var events = new List<StreamEvent> { new ToolCallStarted(index, JsonRead.Str(added, "call_id") ?? "", JsonRead.Str(added, "name") ?? "") };
                if (JsonRead.Str(added, "arguments") is { Length: > 0 } initial) events.Add(new ToolCallArgumentsDelta(index, initial));
                return events;
            case "response.function_call_arguments.delta" when _toolIndexByItem.TryGetValue(JsonRead.Str(data, "item_id") ?? "", out var toolIndex):
                return [new ToolCallArgumentsDelta(toolIndex, JsonRead.Str(data, "delta") ?? "")];
            case "response.completed" or "response.incomplete":
                Completed = true;
                var response = data["response"] as JsonObject ?? new JsonObject();
                var calls = (response["output"] as JsonArray ?? []).OfType<JsonObject>().Any(o => JsonRead.Str(o, "type") == "function_call");
                return [new MessageFinished(calls ? FinishReason.ToolCalls : ResponsesResults.Finish(response, []), ResponsesResults.DecodeUsage(response["usage"] as JsonObject))];
            case "error":
                return [new StreamFailed(OpenAiErrors.Decode(500, new JsonObject { ["message"] = JsonRead.Str(data, "message"), ["code"] = JsonRead.Str(data, "code") }))];
            case "response.failed":
                var error = data["response"]?["error"] as JsonObject ?? new JsonObject { ["message"] = "The upstream response failed." };
                return [new StreamFailed(OpenAiErrors.Decode(502, error))];
            default:
                return [];
        }
    }
}
