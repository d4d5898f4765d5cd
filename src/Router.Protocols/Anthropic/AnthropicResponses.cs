using System.Text.Json.Nodes;
using Router.Protocols.Canonical;
using Router.Protocols.Json;

namespace Router.Protocols.Anthropic;

/// <summary>Anthropic `message` objects ↔ canonical answers; stop reasons and usage (cache reads counted as input).</summary>
internal static class AnthropicResponses
{
    public static ChatResponse Decode(JsonObject body)
    {
        if (JsonRead.Str(body, "type") != "message") throw new ProtocolException("not an Anthropic message");
        var content = new List<ContentPart>();
        foreach (var block in (body["content"] as JsonArray ?? []).OfType<JsonObject>())
        {
            switch (JsonRead.Str(block, "type"))
            {
                case "text": content.Add(new TextPart(JsonRead.Str(block, "text") ?? "")); break;
                case "tool_use": content.Add(new ToolCallPart(JsonRead.Str(block, "id") ?? "", JsonRead.Str(block, "name") ?? "", (block["input"] ?? new JsonObject()).ToJsonString())); break;
                case "thinking": content.Add(new ReasoningPart(JsonRead.Str(block, "thinking") ?? "", JsonRead.Str(block, "signature"))); break;
            }
        }
        return new ChatResponse(JsonRead.Str(body, "id") ?? "", JsonRead.Str(body, "model") ?? "", content,
            DecodeStop(JsonRead.Str(body, "stop_reason")), DecodeUsage(body["usage"] as JsonObject), DateTimeOffset.UtcNow);
    }

    public static JsonObject Encode(ChatResponse response)
    {
        var content = new JsonArray();
        foreach (var part in response.Content)
        {
            JsonObject? block = part switch
            {
                TextPart t => new JsonObject { ["type"] = "text", ["text"] = t.Text },
                ToolCallPart c => new JsonObject { ["type"] = "tool_use", ["id"] = c.Id, ["name"] = c.Name, ["input"] = JsonRead.TryParse(c.ArgumentsJson) as JsonObject ?? new JsonObject() },
                ReasoningPart r => new JsonObject { ["type"] = "thinking", ["thinking"] = r.Text, ["signature"] = r.Signature ?? "" },
                _ => null,
            };
            if (block is not null) content.Add(block);
        }
        return new JsonObject
        {
            ["id"] = response.Id,
            ["type"] = "message",
            ["role"] = "assistant",
            ["model"] = response.Model,
            ["content"] = content,
            ["stop_reason"] = EncodeStop(response.FinishReason),
            ["stop_sequence"] = null,
            ["usage"] = EncodeUsage(response.Usage ?? new Usage(0, 0)),
        };
    }

    public static FinishReason DecodeStop(string? reason) => reason switch
    {
        "max_tokens" or "model_context_window_exceeded" => FinishReason.Length,
        "tool_use" => FinishReason.ToolCalls,
        "refusal" => FinishReason.ContentFilter,
        _ => FinishReason.Stop,
    };

    public static string EncodeStop(FinishReason reason) => reason switch
    {
        FinishReason.Length => "max_tokens",
        FinishReason.ToolCalls => "tool_use",
        FinishReason.ContentFilter => "refusal",
        _ => "end_turn",
    };

    public static Usage? DecodeUsage(JsonObject? usage)
    {
        if (usage is null) return null;
        var cacheRead = JsonRead.Int(usage, "cache_read_input_tokens") ?? 0;
        var cacheWrite = JsonRead.Int(usage, "cache_creation_input_tokens") ?? 0;
        return new Usage((JsonRead.Int(usage, "input_tokens") ?? 0) + cacheRead + cacheWrite, JsonRead.Int(usage, "output_tokens") ?? 0,
            usage["cache_read_input_tokens"] is null ? null : cacheRead);
    }

    public static JsonObject EncodeUsage(Usage usage)
    {
        var cached = usage.CachedInputTokens ?? 0;
        return new JsonObject
        {
            ["input_tokens"] = usage.InputTokens - cached,
            ["cache_creation_input_tokens"] = 0,
            ["cache_read_input_tokens"] = cached,
            ["output_tokens"] = usage.OutputTokens,
        };
    }
}
