using System.Text.Json;
using System.Text.Json.Nodes;
using Router.Protocols.Canonical;
using Router.Protocols.Json;

namespace Router.Protocols.Anthropic;

/// <summary>Anthropic Messages request bodies ↔ the canonical request.</summary>
internal static class AnthropicRequests
{
    /// <summary>Anthropic requires max_tokens; OpenAI clients often omit it. 4096 fits every current Claude model.</summary>
    public const int DefaultMaxTokens = 4096;

    public static ChatRequest Decode(JsonObject body)
    {
        var model = JsonRead.RequiredString(body, "model", "model");
        var maxTokens = JsonRead.OptionalInt(body, "max_tokens", "max_tokens") ?? throw new ProtocolException("'max_tokens' is required and must be an integer.", "max_tokens");
        var messages = new List<ChatMessage>();
        var system = DecodeSystem(body["system"]);
        if (system.Length > 0) messages.Add(ChatMessage.Text(Role.System, system));
        var wire = JsonRead.NonEmpty(JsonRead.RequiredArray(body, "messages", "messages"), "messages");
        for (var i = 0; i < wire.Count; i++)
            messages.AddRange(DecodeMessage(JsonRead.AsObject(wire[i], $"messages[{i}]"), $"messages[{i}]"));

        var toolChoice = JsonRead.OptionalObject(body, "tool_choice", "tool_choice");
        var thinking = JsonRead.OptionalObject(body, "thinking", "thinking");
        return new ChatRequest
        {
            Model = model,
            Messages = messages,
            MaxTokens = maxTokens,
            Tools = (JsonRead.OptionalArray(body, "tools", "tools") ?? []).OfType<JsonObject>()
                .Where(t => t["input_schema"] is not null || JsonRead.Str(t, "type") is null or "custom")
                .Select((t, i) => new ToolDefinition(JsonRead.RequiredString(t, "name", $"tools[{i}].name"), JsonRead.Str(t, "description"), t["input_schema"]?.DeepClone()))
                .ToList(),
            ToolChoice = toolChoice is null ? null : JsonRead.Str(toolChoice, "type") switch
            {
                "any" => new ToolChoice(ToolChoiceKind.Required),
                "tool" => new ToolChoice(ToolChoiceKind.Specific, JsonRead.Str(toolChoice, "name")),
                "none" => new ToolChoice(ToolChoiceKind.None),
                _ => ToolChoice.Auto,
            },
            ParallelToolCalls = toolChoice?["disable_parallel_tool_use"] is JsonValue d && d.GetValueKind() == JsonValueKind.True ? false : null,
            Temperature = JsonRead.OptionalNumber(body, "temperature", "temperature"),
            TopP = JsonRead.OptionalNumber(body, "top_p", "top_p"),
            Stop = JsonRead.StringOrStrings(body, "stop_sequences", "stop_sequences"),
            ReasoningBudgetTokens = thinking is not null && JsonRead.Str(thinking, "type") == "enabled" ? JsonRead.Int(thinking, "budget_tokens") : null,
            ReasoningEffort = JsonRead.Str(body["output_config"], "effort"),
            Stream = JsonRead.OptionalBool(body, "stream", "stream") ?? false,
            // Anthropic streams always report usage, so an OpenAI upstream is asked for it too.
            IncludeUsage = true,
            User = JsonRead.Str(body["metadata"], "user_id"),
        };
    }

    private static string DecodeSystem(JsonNode? system) => system switch
    {
        null => "",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonArray blocks => string.Join("\n\n", blocks.Select(b => JsonRead.Str(b, "text")).Where(t => t is not null)),
        _ => throw new ProtocolException("'system' must be a string or an array of text blocks.", "system"),
    };

    private static IEnumerable<ChatMessage> DecodeMessage(JsonObject m, string path)
    {
        var role = JsonRead.OptionalString(m, "role", path + ".role") switch
        {
            "user" => Role.User,
            "assistant" => Role.Assistant,
            // Claude Code 2.x puts system messages between the turns.
            "system" => Role.System,
            var other => throw new ProtocolException($"'{path}.role' must be user, assistant or system (got '{other}').", path + ".role"),
        };
        if (m["content"] is JsonValue v && v.GetValueKind() == JsonValueKind.String)
        {
            yield return ChatMessage.Text(role, v.GetValue<string>());
            yield break;
        }
        var blocks = JsonRead.RequiredArray(m, "content", path + ".content");
        // Tool results travel in user messages on Anthropic's wire; canonically they are Role.Tool messages.
        var results = new List<ContentPart>();
        var parts = new List<ContentPart>();
        for (var i = 0; i < blocks.Count; i++)
        {
            var block = JsonRead.AsObject(blocks[i], $"{path}.content[{i}]");
            switch (JsonRead.Str(block, "type"))
            {
                case "text":
                    parts.Add(new TextPart(JsonRead.RequiredString(block, "text", $"{path}.content[{i}].text")));
                    break;
                case "image":
                    parts.Add(DecodeImage(block["source"] as JsonObject, $"{path}.content[{i}].source"));
                    break;
                case "tool_use":
                    parts.Add(new ToolCallPart(JsonRead.Str(block, "id") ?? "", JsonRead.RequiredString(block, "name", $"{path}.content[{i}].name"), (block["input"] ?? new JsonObject()).ToJsonString()));
                    break;
                case "tool_result":
                    results.Add(new ToolResultPart(JsonRead.Str(block, "tool_use_id") ?? "", ToolResultText(block["content"]),
                        block["is_error"] is JsonValue e && e.GetValueKind() == JsonValueKind.True));
                    break;
                case "thinking":
                    parts.Add(new ReasoningPart(JsonRead.Str(block, "thinking") ?? "", JsonRead.Str(block, "signature")));
                    break;
                case "redacted_thinking":
                    break;
                case var other:
                    throw new ProtocolException($"'{path}.content[{i}].type' '{other}' is not supported.", $"{path}.content[{i}].type");
            }
        }
        if (results.Count > 0) yield return new ChatMessage(Role.Tool, results);
        if (parts.Count > 0 || results.Count == 0) yield return new ChatMessage(role, parts);
    }

    private static ImagePart DecodeImage(JsonObject? source, string path) => JsonRead.Str(source, "type") switch
    {
        "base64" => new ImagePart(null, JsonRead.Str(source, "media_type"), JsonRead.Str(source, "data")),
        "url" => new ImagePart(JsonRead.Str(source, "url")),
        _ => throw new ProtocolException($"'{path}' must be a base64 or url image source.", path),
    };

    private static string ToolResultText(JsonNode? content) => content switch
    {
        null => "",
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonArray blocks => string.Concat(blocks.Select(b => JsonRead.Str(b, "text"))),
        _ => content.ToJsonString(),
    };

    public static JsonObject Encode(ChatRequest request, string model)
    {
        var system = string.Join("\n\n", request.Messages.Where(m => m.Role is Role.System or Role.Developer).Select(m => m.JoinedText).Where(t => t.Length > 0));
        var body = new JsonObject { ["model"] = model, ["max_tokens"] = request.MaxTokens ?? DefaultMaxTokens };
        if (system.Length > 0) body["system"] = system;
        body["messages"] = EncodeMessages(request.Messages.Where(m => m.Role is not (Role.System or Role.Developer)));
        if (request.Tools.Count > 0)
            body["tools"] = new JsonArray(request.Tools.Select(t =>
            {
                var tool = new JsonObject { ["name"] = t.Name };
                if (t.Description is not null) tool["description"] = t.Description;
                tool["input_schema"] = t.ParametersSchema?.DeepClone() ?? new JsonObject { ["type"] = "object", ["properties"] = new JsonObject() };
                return (JsonNode)tool;
            }).ToArray<JsonNode?>());
        if (request.ToolChoice is not null || request.ParallelToolCalls == false)
        {
            var choice = request.ToolChoice ?? ToolChoice.Auto;
            var wire = new JsonObject
            {
                ["type"] = choice.Kind switch { ToolChoiceKind.Required => "any", ToolChoiceKind.Specific => "tool", ToolChoiceKind.None => "none", _ => "auto" },
            };
            if (choice.Kind == ToolChoiceKind.Specific) wire["name"] = choice.Name;
            if (request.ParallelToolCalls == false && choice.Kind != ToolChoiceKind.None) wire["disable_parallel_tool_use"] = true;
            body["tool_choice"] = wire;
        }
        if (request.Temperature is { } temperature) body["temperature"] = Math.Min(temperature, 1.0); // Anthropic's range is 0..1
        if (request.TopP is { } topP) body["top_p"] = topP;
        if (request.Stop.Count > 0) body["stop_sequences"] = new JsonArray(request.Stop.Select(s => (JsonNode)s).ToArray<JsonNode?>());
        if (request.ReasoningBudgetTokens is { } budget) body["thinking"] = new JsonObject { ["type"] = "enabled", ["budget_tokens"] = budget };
        if (request.User is { } user) body["metadata"] = new JsonObject { ["user_id"] = user };
        // response_format (JSON mode / schema) has no Anthropic equivalent: it is dropped.
        if (request.Stream) body["stream"] = true;
        return body;
    }

    /// <summary>Anthropic wants user/assistant alternation: tool results become user turns, neighbours of one role merge.</summary>
    private static JsonArray EncodeMessages(IEnumerable<ChatMessage> messages)
    {
        var turns = new List<(string Role, JsonArray Blocks)>();
        foreach (var message in messages)
        {
            var role = message.Role == Role.Assistant ? "assistant" : "user";
            var blocks = message.Content.Select(EncodeBlock).OfType<JsonNode>().ToList();
            if (blocks.Count == 0) continue;
            if (turns.Count > 0 && turns[^1].Role == role)
                foreach (var block in blocks) turns[^1].Blocks.Add(block);
            else
                turns.Add((role, new JsonArray(blocks.ToArray<JsonNode?>())));
        }
        return new JsonArray(turns.Select(t => (JsonNode)new JsonObject { ["role"] = t.Role, ["content"] = t.Blocks }).ToArray<JsonNode?>());
    }

    private static JsonObject? EncodeBlock(ContentPart part) => part switch
    {
        TextPart { Text.Length: > 0 } t => new JsonObject { ["type"] = "text", ["text"] = t.Text },
        ImagePart { Base64Data: not null } i => new JsonObject
        {
            ["type"] = "image",
            ["source"] = new JsonObject { ["type"] = "base64", ["media_type"] = i.MediaType ?? "image/png", ["data"] = i.Base64Data },
        },
        ImagePart i => new JsonObject { ["type"] = "image", ["source"] = new JsonObject { ["type"] = "url", ["url"] = i.Url } },
        ToolCallPart c => new JsonObject
        {
            ["type"] = "tool_use", ["id"] = c.Id, ["name"] = c.Name,
            ["input"] = JsonRead.TryParse(c.ArgumentsJson) as JsonObject ?? new JsonObject(),
        },
        ToolResultPart r => ToolResult(r),
        // Only signed thinking can go back to Anthropic; unsigned reasoning from other vendors is dropped.
        ReasoningPart { Signature: not null } r => new JsonObject { ["type"] = "thinking", ["thinking"] = r.Text, ["signature"] = r.Signature },
        _ => null,
    };

    private static JsonObject ToolResult(ToolResultPart r)
    {
        var block = new JsonObject { ["type"] = "tool_result", ["tool_use_id"] = r.ToolCallId, ["content"] = r.Content };
        if (r.IsError) block["is_error"] = true;
        return block;
    }
}
