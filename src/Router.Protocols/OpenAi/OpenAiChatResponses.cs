using System.Text.Json.Nodes;
using Router.Protocols.Canonical;
using Router.Protocols.Json;

namespace Router.Protocols.OpenAi;

/// <summary>OpenAI `chat.completion` objects ↔ canonical answers; finish reasons and usage both ways.</summary>
internal static class OpenAiChatResponses
{
    public static ChatResponse Decode(JsonObject body)
    {
        var choice = (body["choices"] as JsonArray)?.FirstOrDefault() as JsonObject
            ?? throw new ProtocolException("chat.completion without choices");
        var message = choice["message"] as JsonObject ?? new JsonObject();
        var content = new List<ContentPart>();
        if (JsonRead.Str(message, "reasoning_content") is { Length: > 0 } reasoning) content.Add(new ReasoningPart(reasoning));
        if (JsonRead.Str(message, "content") is { Length: > 0 } text) content.Add(new TextPart(text));
        foreach (var call in (message["tool_calls"] as JsonArray ?? []).OfType<JsonObject>())
            content.Add(new ToolCallPart(JsonRead.Str(call, "id") ?? "", JsonRead.Str(call["function"], "name") ?? "", JsonRead.Str(call["function"], "arguments") ?? "{}"));
        return new ChatResponse(
            JsonRead.Str(body, "id") ?? "",
            JsonRead.Str(body, "model") ?? "",
            content,
            DecodeFinish(JsonRead.Str(choice, "finish_reason")),
            DecodeUsage(body["usage"] as JsonObject),
            DateTimeOffset.FromUnixTimeSeconds(body["created"] is JsonValue c && c.TryGetValue<long>(out var s) ? s : 0));
    }

    public static JsonObject Encode(ChatResponse response)
    {
        var text = string.Concat(response.Content.OfType<TextPart>().Select(t => t.Text));
        var calls = response.Content.OfType<ToolCallPart>().ToList();
        var message = new JsonObject { ["role"] = "assistant", ["content"] = text.Length > 0 || calls.Count == 0 ? text : null };
        var reasoning = string.Concat(response.Content.OfType<ReasoningPart>().Select(r => r.Text));
        if (reasoning.Length > 0) message["reasoning_content"] = reasoning;
        if (calls.Count > 0)
            message["tool_calls"] = new JsonArray(calls.Select(c => (JsonNode)new JsonObject
            {
                ["id"] = c.Id, ["type"] = "function", ["function"] = new JsonObject { ["name"] = c.Name, ["arguments"] = c.ArgumentsJson },
            }).ToArray<JsonNode?>());
        var body = new JsonObject
        {
            ["id"] = response.Id,
            ["object"] = "chat.completion",
            ["created"] = response.Created.ToUnixTimeSeconds(),
            ["model"] = response.Model,
            ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["message"] = message, ["logprobs"] = null, ["finish_reason"] = EncodeFinish(response.FinishReason) }),
        };
        if (response.Usage is { } usage) body["usage"] = EncodeUsage(usage);
        return body;
    }

    public static FinishReason DecodeFinish(string? reason) => reason switch
    {
        "length" => FinishReason.Length,
        "tool_calls" or "function_call" => FinishReason.ToolCalls,
        "content_filter" => FinishReason.ContentFilter,
        _ => FinishReason.Stop,
    };

    public static string EncodeFinish(FinishReason reason) => reason switch
    {
        FinishReason.Length => "length",
        FinishReason.ToolCalls => "tool_calls",
        FinishReason.ContentFilter => "content_filter",
        _ => "stop",
    };

    public static Usage? DecodeUsage(JsonObject? usage) => usage is null ? null : new Usage(
        JsonRead.Int(usage, "prompt_tokens") ?? 0,
        JsonRead.Int(usage, "completion_tokens") ?? 0,
        JsonRead.Int(usage["prompt_tokens_details"], "cached_tokens"),
        JsonRead.Int(usage["completion_tokens_details"], "reasoning_tokens"));

    public static JsonObject EncodeUsage(Usage usage)
    {
        var obj = new JsonObject
        {
            ["prompt_tokens"] = usage.InputTokens,
            ["completion_tokens"] = usage.OutputTokens,
            ["total_tokens"] = usage.TotalTokens,
        };
        if (usage.CachedInputTokens is { } cached) obj["prompt_tokens_details"] = new JsonObject { ["cached_tokens"] = cached };
        if (usage.ReasoningTokens is { } reasoning) obj["completion_tokens_details"] = new JsonObject { ["reasoning_tokens"] = reasoning };
        return obj;
    }
}
