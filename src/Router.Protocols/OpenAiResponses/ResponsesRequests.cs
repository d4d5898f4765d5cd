using System.Text.Json;
using System.Text.Json.Nodes;
using Router.Protocols.Canonical;
using Router.Protocols.Json;

namespace Router.Protocols.OpenAiResponses;

/// <summary>OpenAI Responses request bodies ↔ the canonical request.</summary>
internal static class ResponsesRequests
{
    public static ChatRequest Decode(JsonObject body)
    {
        var messages = new List<ChatMessage>();
        if (JsonRead.OptionalString(body, "instructions", "instructions") is { Length: > 0 } instructions)
            messages.Add(ChatMessage.Text(Role.System, instructions));
        switch (body["input"])
        {
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                messages.Add(ChatMessage.Text(Role.User, v.GetValue<string>()));
                break;
            case JsonArray items:
                JsonRead.NonEmpty(items, "input");
                for (var i = 0; i < items.Count; i++)
                    AddItem(messages, JsonRead.AsObject(items[i], $"input[{i}]"), $"input[{i}]");
                break;
            default:
                throw new ProtocolException("'input' is required and must be a string or an array of items.", "input");
        }
        var text = JsonRead.OptionalObject(body, "text", "text");
        return new ChatRequest
        {
            Model = JsonRead.RequiredString(body, "model", "model"),
            Messages = messages,
            Tools = (JsonRead.OptionalArray(body, "tools", "tools") ?? []).OfType<JsonObject>()
                .Where(t => JsonRead.Str(t, "type") == "function" && JsonRead.Str(t, "name") is not null)
                .Select(t => new ToolDefinition(JsonRead.Str(t, "name")!, JsonRead.Str(t, "description"), t["parameters"]?.DeepClone()))
                .ToList(),
            ToolChoice = body["tool_choice"] switch
            {
                null => null,
                JsonValue c when c.GetValueKind() == JsonValueKind.String => c.GetValue<string>() switch
                {
                    "none" => new ToolChoice(ToolChoiceKind.None),
                    "required" => new ToolChoice(ToolChoiceKind.Required),
                    _ => ToolChoice.Auto,
                },
                JsonObject o when JsonRead.Str(o, "name") is { } name => new ToolChoice(ToolChoiceKind.Specific, name),
                _ => ToolChoice.Auto,
            },
            ParallelToolCalls = JsonRead.OptionalBool(body, "parallel_tool_calls", "parallel_tool_calls"),
            Temperature = JsonRead.OptionalNumber(body, "temperature", "temperature"),
            TopP = JsonRead.OptionalNumber(body, "top_p", "top_p"),
            MaxTokens = JsonRead.OptionalInt(body, "max_output_tokens", "max_output_tokens"),
            ResponseFormat = DecodeFormat(text?["format"] as JsonObject),
            ReasoningEffort = JsonRead.Str(body["reasoning"], "effort"),
            Stream = JsonRead.OptionalBool(body, "stream", "stream") ?? false,
            IncludeUsage = true,
            User = JsonRead.OptionalString(body, "user", "user"),
        };
    }

    private static void AddItem(List<ChatMessage> messages, JsonObject item, string path)
    {
        switch (JsonRead.Str(item, "type") ?? "message")
        {
            case "message":
                var role = JsonRead.Str(item, "role") switch
                {
                    "system" => Role.System,
                    "developer" => Role.Developer,
                    "assistant" => Role.Assistant,
                    "user" => Role.User,
                    var other => throw new ProtocolException($"'{path}.role' must be user, assistant, system or developer (got '{other}').", path + ".role"),
                };
                messages.Add(new ChatMessage(role, Content(item["content"], path + ".content").ToList()));
                break;
            case "function_call":
                Append(messages, Role.Assistant, new ToolCallPart(JsonRead.Str(item, "call_id") ?? JsonRead.Str(item, "id") ?? "",
                    JsonRead.RequiredString(item, "name", path + ".name"), JsonRead.Str(item, "arguments") ?? "{}"));
                break;
            case "function_call_output":
                Append(messages, Role.Tool, new ToolResultPart(JsonRead.Str(item, "call_id") ?? "",
                    item["output"] is JsonValue o && o.GetValueKind() == JsonValueKind.String ? o.GetValue<string>() : item["output"]?.ToJsonString() ?? ""));
                break;
            case "reasoning":
                var summary = string.Concat((item["summary"] as JsonArray ?? []).Select(s => JsonRead.Str(s, "text")));
                Append(messages, Role.Assistant, new ReasoningPart(summary, JsonRead.Str(item, "encrypted_content")));
                break;
            // Other item kinds (web search calls, local shell calls, ...) have no canonical form: dropped.
        }
    }

    /// <summary>Consecutive calls (or results) of one turn belong to one canonical message.</summary>
    private static void Append(List<ChatMessage> messages, Role role, ContentPart part)
    {
        if (messages.Count > 0 && messages[^1].Role == role && (role == Role.Tool || messages[^1].Content.All(p => p is ToolCallPart or ReasoningPart)))
            messages[^1] = messages[^1] with { Content = [.. messages[^1].Content, part] };
        else
            messages.Add(new ChatMessage(role, [part]));
    }

    private static IEnumerable<ContentPart> Content(JsonNode? content, string path)
    {
        if (content is JsonValue v && v.GetValueKind() == JsonValueKind.String)
        {
            yield return new TextPart(v.GetValue<string>());
            yield break;
        }
        if (content is not JsonArray parts) throw new ProtocolException($"'{path}' must be a string or an array of content parts.", path);
        foreach (var part in parts.OfType<JsonObject>())
            switch (JsonRead.Str(part, "type"))
            {
                case "input_text" or "output_text" or "text":
                    yield return new TextPart(JsonRead.Str(part, "text") ?? "");
                    break;
                case "input_image" when JsonRead.Str(part, "image_url") is { } url:
                    yield return DataUrls.ToImage(url);
                    break;
                case "refusal":
                    yield return new TextPart(JsonRead.Str(part, "refusal") ?? "");
                    break;
            }
    }

    private static ResponseFormat? DecodeFormat(JsonObject? format) => JsonRead.Str(format, "type") switch
    {
        "json_object" => new ResponseFormat(ResponseFormatKind.JsonObject),
        "json_schema" => new ResponseFormat(ResponseFormatKind.JsonSchema, JsonRead.Str(format, "name"), format!["schema"]?.DeepClone(),
            format["strict"] is JsonValue s && s.GetValueKind() == JsonValueKind.True),
        "text" => new ResponseFormat(ResponseFormatKind.Text),
        _ => null,
    };

    public static JsonObject Encode(ChatRequest request, string model)
    {
        var body = new JsonObject { ["model"] = model };
        var instructions = string.Join("\n\n", request.Messages.Where(m => m.Role is Role.System or Role.Developer).Select(m => m.JoinedText).Where(t => t.Length > 0));
        if (instructions.Length > 0) body["instructions"] = instructions;
        body["input"] = new JsonArray(request.Messages.Where(m => m.Role is not (Role.System or Role.Developer)).SelectMany(EncodeItems).ToArray<JsonNode?>());
        if (request.Tools.Count > 0)
            body["tools"] = new JsonArray(request.Tools.Select(t => (JsonNode)new JsonObject
            {
                ["type"] = "function", ["name"] = t.Name, ["description"] = t.Description ?? "",
                ["parameters"] = t.ParametersSchema?.DeepClone() ?? new JsonObject { ["type"] = "object", ["properties"] = new JsonObject() },
            }).ToArray<JsonNode?>());
        if (request.ToolChoice is { } choice)
            body["tool_choice"] = choice.Kind switch
            {
                ToolChoiceKind.None => "none",
                ToolChoiceKind.Required => "required",
                ToolChoiceKind.Specific => new JsonObject { ["type"] = "function", ["name"] = choice.Name },
                _ => "auto",
            };
        if (request.ParallelToolCalls is { } parallel) body["parallel_tool_calls"] = parallel;
        if (request.Temperature is { } temperature) body["temperature"] = temperature;
        if (request.TopP is { } topP) body["top_p"] = topP;
        if (request.MaxTokens is { } max) body["max_output_tokens"] = max;
        if (request.ResponseFormat is { Kind: not ResponseFormatKind.Text } format)
            body["text"] = new JsonObject
            {
                ["format"] = format.Kind == ResponseFormatKind.JsonObject
                    ? new JsonObject { ["type"] = "json_object" }
                    : new JsonObject { ["type"] = "json_schema", ["name"] = format.SchemaName ?? "response", ["schema"] = format.Schema?.DeepClone(), ["strict"] = format.Strict },
            };
        if (request.ReasoningEffort is { } effort) body["reasoning"] = new JsonObject { ["effort"] = effort };
        if (request.User is { } user) body["user"] = user;
        if (request.Stream) body["stream"] = true;
        return body;
    }

    private static IEnumerable<JsonNode> EncodeItems(ChatMessage message)
    {
        var text = message.Content.Where(p => p is TextPart or ImagePart).ToList();
        if (text.Count > 0)
        {
            var assistant = message.Role == Role.Assistant;
            yield return new JsonObject
            {
                ["role"] = assistant ? "assistant" : "user",
                ["content"] = new JsonArray(text.Select(p => (JsonNode)(p switch
                {
                    TextPart t => new JsonObject { ["type"] = assistant ? "output_text" : "input_text", ["text"] = t.Text },
                    ImagePart i => new JsonObject { ["type"] = "input_image", ["image_url"] = DataUrls.FromImage(i) },
                    _ => throw new InvalidOperationException(),
                })).ToArray<JsonNode?>()),
            };
        }
        foreach (var part in message.Content)
            switch (part)
            {
                case ToolCallPart call:
                    yield return new JsonObject { ["type"] = "function_call", ["call_id"] = call.Id, ["name"] = call.Name, ["arguments"] = call.ArgumentsJson };
                    break;
                case ToolResultPart result:
                    yield return new JsonObject { ["type"] = "function_call_output", ["call_id"] = result.ToolCallId, ["output"] = result.Content };
                    break;
            }
    }
}
