using System.Text.Json.Nodes;
using Router.Protocols.Canonical;
using Router.Protocols.Json;

namespace Router.Protocols.OpenAiResponses;

/// <summary>OpenAI Responses `response` objects ↔ canonical answers.</summary>
internal static class ResponsesResults
{
    public static ChatResponse Decode(JsonObject body)
    {
        if (JsonRead.Str(body, "object") != "response") throw new ProtocolException("not a Responses API response");
        var content = new List<ContentPart>();
        foreach (var item in (body["output"] as JsonArray ?? []).OfType<JsonObject>())
            switch (JsonRead.Str(item, "type"))
            {
                case "message":
                    content.AddRange((item["content"] as JsonArray ?? []).OfType<JsonObject>()
                        .Where(c => JsonRead.Str(c, "type") == "output_text").Select(c => new TextPart(JsonRead.Str(c, "text") ?? "")));
                    break;
                case "function_call":
                    content.Add(new ToolCallPart(JsonRead.Str(item, "call_id") ?? "", JsonRead.Str(item, "name") ?? "", JsonRead.Str(item, "arguments") ?? "{}"));
                    break;
                case "reasoning":
                    content.Add(new ReasoningPart(string.Concat((item["summary"] as JsonArray ?? []).Select(s => JsonRead.Str(s, "text"))), JsonRead.Str(item, "encrypted_content")));
                    break;
            }
        return new ChatResponse(JsonRead.Str(body, "id") ?? "", JsonRead.Str(body, "model") ?? "", content, Finish(body, content),
            DecodeUsage(body["usage"] as JsonObject), DateTimeOffset.FromUnixTimeSeconds(JsonRead.Int(body, "created_at") ?? 0));
    }

    public static FinishReason Finish(JsonObject body, IReadOnlyList<ContentPart> content) =>
        content.Any(p => p is ToolCallPart) ? FinishReason.ToolCalls
        : JsonRead.Str(body["incomplete_details"], "reason") switch
        {
            "max_output_tokens" => FinishReason.Length,
            "content_filter" => FinishReason.ContentFilter,
            _ => FinishReason.Stop,
        };

    public static JsonObject Encode(ChatResponse response) => Build(response.Id, response.Model, response.Created, response.Content, response.FinishReason, response.Usage, "completed");

    /// <summary>A response object; the stream encoder builds its in_progress and final ones with this too.</summary>
    public static JsonObject Build(string id, string model, DateTimeOffset created, IReadOnlyList<ContentPart> content, FinishReason? finish, Usage? usage, string status)
    {
        var output = new JsonArray();
        var reasoning = string.Concat(content.OfType<ReasoningPart>().Select(r => r.Text));
        if (reasoning.Length > 0)
            output.Add(new JsonObject { ["type"] = "reasoning", ["id"] = "rs_" + id, ["summary"] = new JsonArray(new JsonObject { ["type"] = "summary_text", ["text"] = reasoning }) });
        var text = string.Concat(content.OfType<TextPart>().Select(t => t.Text));
        if (text.Length > 0) output.Add(MessageItem("msg_" + id, text, "completed"));
        foreach (var call in content.OfType<ToolCallPart>())
            output.Add(CallItem("fc_" + call.Id, call, "completed"));
        var body = new JsonObject
        {
            ["id"] = id.StartsWith("resp_") ? id : "resp_" + id,
            ["object"] = "response",
            ["created_at"] = created.ToUnixTimeSeconds(),
            ["status"] = finish == FinishReason.Length ? "incomplete" : status,
            ["model"] = model,
            ["output"] = output,
            ["incomplete_details"] = finish == FinishReason.Length ? new JsonObject { ["reason"] = "max_output_tokens" } : null,
        };
        if (usage is not null) body["usage"] = EncodeUsage(usage);
        return body;
    }

    public static JsonObject MessageItem(string id, string text, string status) => new()
    {
        ["type"] = "message", ["id"] = id, ["status"] = status, ["role"] = "assistant",
        ["content"] = new JsonArray(new JsonObject { ["type"] = "output_text", ["text"] = text, ["annotations"] = new JsonArray() }),
    };

    public static JsonObject CallItem(string id, ToolCallPart call, string status) => new()
    {
        ["type"] = "function_call", ["id"] = id, ["call_id"] = call.Id, ["name"] = call.Name, ["arguments"] = call.ArgumentsJson, ["status"] = status,
    };

    public static Usage? DecodeUsage(JsonObject? usage) => usage is null ? null : new Usage(
        JsonRead.Int(usage, "input_tokens") ?? 0, JsonRead.Int(usage, "output_tokens") ?? 0,
        JsonRead.Int(usage["input_tokens_details"], "cached_tokens"), JsonRead.Int(usage["output_tokens_details"], "reasoning_tokens"));

    public static JsonObject EncodeUsage(Usage usage) => new()
    {
        ["input_tokens"] = usage.InputTokens,
        ["input_tokens_details"] = new JsonObject { ["cached_tokens"] = usage.CachedInputTokens ?? 0 },
        ["output_tokens"] = usage.OutputTokens,
        ["output_tokens_details"] = new JsonObject { ["reasoning_tokens"] = usage.ReasoningTokens ?? 0 },
        ["total_tokens"] = usage.TotalTokens,
    };
}
