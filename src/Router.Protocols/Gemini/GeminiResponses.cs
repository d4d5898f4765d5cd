using System.Text.Json;
using System.Text.Json.Nodes;
using Router.Protocols.Canonical;
using Router.Protocols.Json;

namespace Router.Protocols.Gemini;

/// <summary>GenerateContentResponse ↔ canonical answers; finish reasons and usageMetadata both ways.</summary>
internal static class GeminiResponses
{
    public static ChatResponse Decode(JsonObject body)
    {
        var candidate = (body["candidates"] as JsonArray)?.FirstOrDefault() as JsonObject
            ?? throw new ProtocolException("GenerateContentResponse without candidates");
        var content = Parts(candidate, new CallIds()).ToList();
        return new ChatResponse(JsonRead.Str(body, "responseId") ?? "", JsonRead.Str(body, "modelVersion") ?? "", content,
            Finish(JsonRead.Str(candidate, "finishReason"), content), DecodeUsage(body["usageMetadata"] as JsonObject), DateTimeOffset.UtcNow);
    }

    /// <summary>Gemini calls have no ids of their own: numbered per answer, stable across the chunks of a stream.</summary>
    public sealed class CallIds
    {
        private int _next;
        public string Next(string name, string? id) => id ?? $"call_{name}_{_next++}";
    }

    public static IEnumerable<ContentPart> Parts(JsonObject candidate, CallIds ids)
    {
        foreach (var part in (candidate["content"]?["parts"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (part["functionCall"] is JsonObject call)
                yield return new ToolCallPart(ids.Next(JsonRead.Str(call, "name") ?? "", JsonRead.Str(call, "id")), JsonRead.Str(call, "name") ?? "", (call["args"] ?? new JsonObject()).ToJsonString());
            else if (JsonRead.Str(part, "text") is { } text)
                yield return part["thought"] is JsonValue t && t.GetValueKind() == JsonValueKind.True ? new ReasoningPart(text, JsonRead.Str(part, "thoughtSignature")) : new TextPart(text);
        }
    }

    public static FinishReason Finish(string? reason, IEnumerable<ContentPart> content) =>
        content.Any(p => p is ToolCallPart) ? FinishReason.ToolCalls : reason switch
        {
            "MAX_TOKENS" => FinishReason.Length,
            "SAFETY" or "RECITATION" or "BLOCKLIST" or "PROHIBITED_CONTENT" or "SPII" => FinishReason.ContentFilter,
            _ => FinishReason.Stop,
        };

    public static string EncodeFinish(FinishReason reason) => reason switch
    {
        FinishReason.Length => "MAX_TOKENS",
        FinishReason.ContentFilter => "SAFETY",
        _ => "STOP",
    };

    public static JsonObject Encode(ChatResponse response) =>
        Chunk(response.Id, response.Model, response.Content.Select(EncodePart).OfType<JsonNode>(), response.FinishReason, response.Usage);

    /// <summary>One GenerateContentResponse; a stream is a sequence of these.</summary>
    public static JsonObject Chunk(string id, string model, IEnumerable<JsonNode> parts, FinishReason? finish, Usage? usage)
    {
        var candidate = new JsonObject { ["content"] = new JsonObject { ["role"] = "model", ["parts"] = new JsonArray(parts.ToArray<JsonNode?>()) }, ["index"] = 0 };
        if (finish is { } reason) candidate["finishReason"] = EncodeFinish(reason);
        var body = new JsonObject { ["candidates"] = new JsonArray(candidate) };
        if (usage is not null) body["usageMetadata"] = EncodeUsage(usage);
        body["modelVersion"] = model;
        body["responseId"] = id;
        return body;
    }

    public static JsonObject? EncodePart(ContentPart part) => part switch
    {
        TextPart t => new JsonObject { ["text"] = t.Text },
        ReasoningPart r => new JsonObject { ["text"] = r.Text, ["thought"] = true },
        ToolCallPart c => new JsonObject { ["functionCall"] = new JsonObject { ["name"] = c.Name, ["args"] = JsonRead.TryParse(c.ArgumentsJson) as JsonObject ?? new JsonObject(), ["id"] = c.Id } },
        _ => null,
    };

    public static Usage? DecodeUsage(JsonObject? usage) => usage is null ? null : UsageFrom(
        JsonRead.Int(usage, "promptTokenCount"), JsonRead.Int(usage, "candidatesTokenCount"),
        JsonRead.Int(usage, "cachedContentTokenCount"), JsonRead.Int(usage, "thoughtsTokenCount"));

    /// <summary>usageMetadata's counts as canonical usage: thinking tokens are output tokens too.</summary>
    public static Usage UsageFrom(int? prompt, int? candidates, int? cached, int? thoughts) =>
        new(prompt ?? 0, (candidates ?? 0) + (thoughts ?? 0), cached, thoughts);

    public static JsonObject EncodeUsage(Usage usage)
    {
        var thoughts = usage.ReasoningTokens ?? 0;
        var obj = new JsonObject
        {
            ["promptTokenCount"] = usage.InputTokens,
            ["candidatesTokenCount"] = usage.OutputTokens - thoughts,
            ["totalTokenCount"] = usage.TotalTokens,
        };
        if (usage.CachedInputTokens is { } cached) obj["cachedContentTokenCount"] = cached;
        if (thoughts > 0) obj["thoughtsTokenCount"] = thoughts;
        return obj;
    }
}
