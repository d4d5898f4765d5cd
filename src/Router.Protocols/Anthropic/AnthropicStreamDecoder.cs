using System.Net.ServerSentEvents;
using System.Text.Json.Nodes;
using Router.Protocols.Canonical;
using Router.Protocols.Json;

namespace Router.Protocols.Anthropic;

/// <summary>Anthropic's event sequence (message_start … message_stop) → canonical events.</summary>
internal sealed class AnthropicStreamDecoder : IStreamDecoder
{
    private readonly Dictionary<int, int> _toolIndexByBlock = [];
    /// <summary>Usage fields as last reported: message_start's, overridden by message_delta's (whose counts are cumulative).</summary>
    private readonly JsonObject _usage = new();
    private FinishReason _finish = FinishReason.Stop;

    public bool Completed { get; private set; }

    public IEnumerable<StreamEvent> Decode(SseItem<string> item)
    {
        if (AnthropicDeltaReader.TryRead(item.Data, out var plain))
            return DecodeDelta(plain.Type, plain.Index, plain.Text, plain.PartialJson, plain.Thinking, plain.Signature);
        if (JsonRead.TryParse(item.Data) is not JsonObject data) return [];
        switch (JsonRead.Str(data, "type") ?? item.EventType)
        {
            case "message_start":
                var message = data["message"] as JsonObject;
                MergeUsage(message?["usage"]);
                return [new MessageStarted(JsonRead.Str(message, "id") ?? "", JsonRead.Str(message, "model") ?? "")];
            case "content_block_start" when data["content_block"] is JsonObject block && JsonRead.Str(block, "type") == "tool_use":
                var toolIndex = _toolIndexByBlock.Count;
                _toolIndexByBlock[JsonRead.Int(data, "index") ?? 0] = toolIndex;
                return [new ToolCallStarted(toolIndex, JsonRead.Str(block, "id") ?? "", JsonRead.Str(block, "name") ?? "")];
            case "content_block_delta" when data["delta"] is JsonObject delta:
                return DecodeDelta(JsonRead.Str(delta, "type"), JsonRead.Int(data, "index"), JsonRead.Str(delta, "text"),
                    JsonRead.Str(delta, "partial_json"), JsonRead.Str(delta, "thinking"), JsonRead.Str(delta, "signature"));
            case "message_delta":
                if (JsonRead.Str(data["delta"], "stop_reason") is { } stop) _finish = AnthropicResponses.DecodeStop(stop);
                MergeUsage(data["usage"]);
                return [];
            case "message_stop":
                Completed = true;
                return [new MessageFinished(_finish, AnthropicResponses.DecodeUsage(_usage))];
            case "error":
                return [new StreamFailed(AnthropicErrors.Decode(500, data))];
            default:
                return [];
        }
    }

    private IEnumerable<StreamEvent> DecodeDelta(string? type, int? blockIndex, string? text, string? partialJson, string? thinking, string? signature) => type switch
    {
        "text_delta" => [new TextDelta(text ?? "")],
        "input_json_delta" when _toolIndexByBlock.TryGetValue(blockIndex ?? 0, out var index) => [new ToolCallArgumentsDelta(index, partialJson ?? "")],
        "thinking_delta" => [new ReasoningDelta(thinking ?? "")],
        "signature_delta" => [new ReasoningDelta("", signature)],
        _ => [],
    };

    private void MergeUsage(JsonNode? usage)
    {
        if (usage is not JsonObject fields) return;
        foreach (var (key, value) in fields)
            if (value is JsonValue) _usage[key] = value.DeepClone();
    }
}
