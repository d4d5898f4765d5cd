using System.Text.Json;
using System.Text.Json.Nodes;
using Router.Protocols.Canonical;
using Router.Protocols.Json;

namespace Router.Protocols.OpenAi;

/// <summary>OpenAI Chat Completions request bodies ↔ the canonical request.</summary>
internal static class OpenAiChatRequests
{
    public static ChatRequest Decode(JsonObject body)
    {
        var model = JsonRead.RequiredString(body, "model", "model");
        var messages = JsonRead.RequiredArray(body, "messages", "messages");
        if (messages.Count == 0) throw new ProtocolException("'messages' must contain at least one message.", "messages");
        var streamOptions = JsonRead.OptionalObject(body, "stream_options", "stream_options");
        return new ChatRequest
        {
            Model = model,
            Messages = messages.Select((m, i) => DecodeMessage(JsonRead.AsObject(m, $"messages[{i}]"), $"messages[{i}]")).ToList(),
            Tools = (JsonRead.OptionalArray(body, "tools", "tools") ?? []).Select((t, i) => DecodeTool(JsonRead.AsObject(t, $"tools[{i}]"), $"tools[{i}]")).ToList(),
            ToolChoice = DecodeToolChoice(body["tool_choice"]),
            ParallelToolCalls = JsonRead.OptionalBool(body, "parallel_tool_calls", "parallel_tool_calls"),
            Temperature = JsonRead.OptionalNumber(body, "temperature", "temperature"),
            TopP = JsonRead.OptionalNumber(body, "top_p", "top_p"),
            MaxTokens = JsonRead.OptionalInt(body, "max_completion_tokens", "max_completion_tokens") ?? JsonRead.OptionalInt(body, "max_tokens", "max_tokens"),
            Stop = JsonRead.StringOrStrings(body, "stop", "stop"),
            ResponseFormat = DecodeResponseFormat(JsonRead.OptionalObject(body, "response_format", "response_format")),
            ReasoningEffort = JsonRead.OptionalString(body, "reasoning_effort", "reasoning_effort"),
            Stream = JsonRead.OptionalBool(body, "stream", "stream") ?? false,
            IncludeUsage = streamOptions is not null && (JsonRead.OptionalBool(streamOptions, "include_usage", "stream_options.include_usage") ?? false),
            User = JsonRead.OptionalString(body, "user", "user"),
        };
    }

    private static ChatMessage DecodeMessage(JsonObject m, string path)
    {
        var roleName = JsonRead.OptionalString(m, "role", path + ".role") ?? throw new ProtocolException($"'{path}.role' is required.", path + ".role");
        var role = roleName switch
        {
            "system" => Role.System,
            "developer" => Role.Developer,
            "user" => Role.User,
            "assistant" => Role.Assistant,
            "tool" or "function" => Role.Tool,
            _ => throw new ProtocolException($"'{path}.role' must be one of system, developer, user, assistant, tool (got '{roleName}').", path + ".role"),
        };
        if (role == Role.Tool)
        {
            var id = JsonRead.OptionalString(m, "tool_call_id", path + ".tool_call_id") ?? JsonRead.OptionalString(m, "name", path + ".name") ?? "";
            return new ChatMessage(Role.Tool, [new ToolResultPart(id, string.Concat(DecodeContent(m["content"], path + ".content").OfType<TextPart>().Select(t => t.Text)))]);
        }

        var parts = new List<ContentPart>();
        if (role == Role.Assistant && JsonRead.OptionalString(m, "reasoning_content", path + ".reasoning_content") is { Length: > 0 } reasoning)
            parts.Add(new ReasoningPart(reasoning));
        parts.AddRange(DecodeContent(m["content"], path + ".content"));
        if (role == Role.Assistant)
            foreach (var (call, i) in (JsonRead.OptionalArray(m, "tool_calls", path + ".tool_calls") ?? []).Select((c, i) => (c, i)))
            {
                var callPath = $"{path}.tool_calls[{i}]";
                var callObj = JsonRead.AsObject(call, callPath);
                var function = JsonRead.OptionalObject(callObj, "function", callPath + ".function") ?? throw new ProtocolException($"'{callPath}.function' is required.", callPath);
                parts.Add(new ToolCallPart(
                    JsonRead.OptionalString(callObj, "id", callPath + ".id") ?? $"call_{i}",
                    JsonRead.RequiredString(function, "name", callPath + ".function.name"),
                    JsonRead.OptionalString(function, "arguments", callPath + ".function.arguments") ?? "{}"));
            }
        return new ChatMessage(role, parts);
    }

    private static IEnumerable<ContentPart> DecodeContent(JsonNode? content, string path)
    {
        switch (content)
        {
            case null:
                yield break;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                yield return new TextPart(v.GetValue<string>());
                yield break;
            case JsonArray parts:
                for (var i = 0; i < parts.Count; i++)
                {
                    var part = JsonRead.AsObject(parts[i], $"{path}[{i}]");
                    var type = JsonRead.OptionalString(part, "type", $"{path}[{i}].type");
                    switch (type)
                    {
                        case "text" or "input_text" or "output_text":
                            yield return new TextPart(JsonRead.RequiredString(part, "text", $"{path}[{i}].text"));
                            break;
                        case "image_url":
                            var url = part["image_url"] is JsonObject o ? JsonRead.RequiredString(o, "url", $"{path}[{i}].image_url.url") : JsonRead.RequiredString(part, "image_url", $"{path}[{i}].image_url");
                            yield return DataUrls.ToImage(url);
                            break;
                        case "refusal":
                            yield return new TextPart(JsonRead.OptionalString(part, "refusal", $"{path}[{i}].refusal") ?? "");
                            break;
                        default:
                            throw new ProtocolException($"'{path}[{i}].type' '{type}' is not supported.", $"{path}[{i}].type");
                    }
                }
                yield break;
            default:
                throw new ProtocolException($"'{path}' must be a string or an array of content parts.", path);
        }
    }

    private static ToolDefinition DecodeTool(JsonObject tool, string path)
    {
        var function = JsonRead.OptionalObject(tool, "function", path + ".function") ?? throw new ProtocolException($"'{path}.function' is required.", path + ".function");
        return new ToolDefinition(
            JsonRead.RequiredString(function, "name", path + ".function.name"),
            JsonRead.OptionalString(function, "description", path + ".function.description"),
            function["parameters"]?.DeepClone());
    }

    private static ToolChoice? DecodeToolChoice(JsonNode? node) => node switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>() switch
        {
            "auto" => ToolChoice.Auto,
            "none" => new ToolChoice(ToolChoiceKind.None),
            "required" => new ToolChoice(ToolChoiceKind.Required),
            var other => throw new ProtocolException($"'tool_choice' must be auto, none, required or a function (got '{other}').", "tool_choice"),
        },
        JsonObject o when JsonRead.Str(o["function"], "name") is { } name => new ToolChoice(ToolChoiceKind.Specific, name),
        _ => throw new ProtocolException("'tool_choice' must be a string or {\"type\":\"function\",\"function\":{\"name\":...}}.", "tool_choice"),
    };

    private static ResponseFormat? DecodeResponseFormat(JsonObject? format)
    {
        if (format is null) return null;
        return JsonRead.OptionalString(format, "type", "response_format.type") switch
        {
            "text" => new ResponseFormat(ResponseFormatKind.Text),
            "json_object" => new ResponseFormat(ResponseFormatKind.JsonObject),
            "json_schema" when format["json_schema"] is JsonObject schema => new ResponseFormat(ResponseFormatKind.JsonSchema,
                JsonRead.Str(schema, "name"), schema["schema"]?.DeepClone(), schema["strict"] is JsonValue s && s.GetValueKind() == JsonValueKind.True),
            var other => throw new ProtocolException($"'response_format.type' '{other}' is not supported.", "response_format.type"),
        };
    }

    public static JsonObject Encode(ChatRequest request, string model)
    {
        var body = new JsonObject { ["model"] = model, ["messages"] = new JsonArray(request.Messages.SelectMany(EncodeMessage).ToArray<JsonNode?>()) };
        if (request.Tools.Count > 0)
            body["tools"] = new JsonArray(request.Tools.Select(t => (JsonNode)new JsonObject
            {
                ["type"] = "function",
                ["function"] = Compact(new JsonObject { ["name"] = t.Name, ["description"] = t.Description, ["parameters"] = t.ParametersSchema?.DeepClone() }),
            }).ToArray<JsonNode?>());
        if (request.ToolChoice is { } choice)
            body["tool_choice"] = choice.Kind switch
            {
                ToolChoiceKind.None => "none",
                ToolChoiceKind.Required => "required",
                ToolChoiceKind.Specific => new JsonObject { ["type"] = "function", ["function"] = new JsonObject { ["name"] = choice.Name } },
                _ => "auto",
            };
        if (request.ParallelToolCalls is { } parallel) body["parallel_tool_calls"] = parallel;
        if (request.Temperature is { } temperature) body["temperature"] = temperature;
        if (request.TopP is { } topP) body["top_p"] = topP;
        if (request.MaxTokens is { } max) body["max_tokens"] = max;
        if (request.Stop.Count > 0) body["stop"] = new JsonArray(request.Stop.Select(s => (JsonNode)s).ToArray<JsonNode?>());
        if (request.ResponseFormat is { } format)
            body["response_format"] = format.Kind switch
            {
                ResponseFormatKind.JsonObject => new JsonObject { ["type"] = "json_object" },
                ResponseFormatKind.JsonSchema => new JsonObject
                {
                    ["type"] = "json_schema",
                    ["json_schema"] = Compact(new JsonObject { ["name"] = format.SchemaName ?? "response", ["schema"] = format.Schema?.DeepClone(), ["strict"] = format.Strict }),
                },
                _ => new JsonObject { ["type"] = "text" },
            };
        if (request.ReasoningEffort is { } effort) body["reasoning_effort"] = effort;
        if (request.User is { } user) body["user"] = user;
        if (request.Stream)
        {
            body["stream"] = true;
            if (request.IncludeUsage) body["stream_options"] = new JsonObject { ["include_usage"] = true };
        }
        return body;
    }

    private static IEnumerable<JsonNode> EncodeMessage(ChatMessage message)
    {
        if (message.Role == Role.Tool)
        {
            // One OpenAI tool message per result.
            foreach (var result in message.Content.OfType<ToolResultPart>())
                yield return new JsonObject { ["role"] = "tool", ["tool_call_id"] = result.ToolCallId, ["content"] = result.Content };
            yield break;
        }

        var obj = new JsonObject { ["role"] = message.Role.ToString().ToLowerInvariant() };
        var contentParts = message.Content.Where(p => p is TextPart or ImagePart).ToList();
        obj["content"] = contentParts.Count == 0 ? null
            : contentParts.All(p => p is TextPart) ? string.Concat(contentParts.Cast<TextPart>().Select(t => t.Text))
            : new JsonArray(contentParts.Select(EncodePart).ToArray<JsonNode?>());
        if (message.Role == Role.Assistant)
        {
            var reasoning = string.Concat(message.Content.OfType<ReasoningPart>().Select(r => r.Text));
            if (reasoning.Length > 0) obj["reasoning_content"] = reasoning;
            var calls = message.Content.OfType<ToolCallPart>().ToList();
            if (calls.Count > 0)
                obj["tool_calls"] = new JsonArray(calls.Select(c => (JsonNode)new JsonObject
                {
                    ["id"] = c.Id, ["type"] = "function", ["function"] = new JsonObject { ["name"] = c.Name, ["arguments"] = c.ArgumentsJson },
                }).ToArray<JsonNode?>());
        }
        yield return obj;
    }

    private static JsonNode EncodePart(ContentPart part) => part switch
    {
        TextPart t => new JsonObject { ["type"] = "text", ["text"] = t.Text },
        ImagePart i => new JsonObject { ["type"] = "image_url", ["image_url"] = new JsonObject { ["url"] = DataUrls.FromImage(i) } },
        _ => throw new InvalidOperationException("only text and image parts are content"),
    };

    private static JsonObject Compact(JsonObject obj)
    {
        foreach (var key in obj.Where(p => p.Value is null).Select(p => p.Key).ToList()) obj.Remove(key);
        return obj;
    }
}
