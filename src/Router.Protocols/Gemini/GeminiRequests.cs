using System.Text.Json;
using System.Text.Json.Nodes;
using Router.Protocols.Canonical;
using Router.Protocols.Json;

namespace Router.Protocols.Gemini;

/// <summary>
/// Gemini generateContent bodies ↔ the canonical request. The model is in Gemini's URL, not its body:
/// the front end puts it into `model` before decoding, and encoding leaves it out. Function calls may
/// come without ids; they get stable ones (call_NAME_N) and results find theirs by function name.
/// </summary>
internal static class GeminiRequests
{
    public static ChatRequest Decode(JsonObject body)
    {
        var contents = JsonRead.NonEmpty(Field(body, "contents") as JsonArray ?? throw new ProtocolException("'contents' is required and must be an array.", "contents"), "contents");
        var messages = new List<ChatMessage>();
        var system = string.Concat((Field(Field(body, "systemInstruction", "system_instruction"), "parts") as JsonArray ?? []).Select(p => JsonRead.Str(p, "text")));
        if (system.Length > 0) messages.Add(ChatMessage.Text(Role.System, system));

        var callIds = new Dictionary<string, string>(); // function name → id of its latest call
        var calls = 0;
        for (var i = 0; i < contents.Count; i++)
        {
            var content = JsonRead.AsObject(contents[i], $"contents[{i}]");
            var role = JsonRead.Str(content, "role") == "model" ? Role.Assistant : Role.User;
            var parts = new List<ContentPart>();
            var results = new List<ContentPart>();
            foreach (var part in (content["parts"] as JsonArray ?? throw new ProtocolException($"'contents[{i}].parts' must be an array.", $"contents[{i}].parts")).OfType<JsonObject>())
            {
                if (Field(part, "functionCall", "function_call") is JsonObject call)
                {
                    var name = JsonRead.Str(call, "name") ?? "";
                    var id = JsonRead.Str(call, "id") ?? $"call_{name}_{calls}";
                    calls++;
                    callIds[name] = id;
                    parts.Add(new ToolCallPart(id, name, (call["args"] ?? new JsonObject()).ToJsonString()));
                }
                else if (Field(part, "functionResponse", "function_response") is JsonObject response)
                {
                    var name = JsonRead.Str(response, "name") ?? "";
                    results.Add(new ToolResultPart(JsonRead.Str(response, "id") ?? callIds.GetValueOrDefault(name, $"call_{name}"), (response["response"] ?? new JsonObject()).ToJsonString()));
                }
                else if (Field(part, "inlineData", "inline_data") is JsonObject data)
                    parts.Add(new ImagePart(null, JsonRead.Str(data, "mimeType") ?? JsonRead.Str(data, "mime_type"), JsonRead.Str(data, "data")));
                else if (Field(part, "fileData", "file_data") is JsonObject file)
                    parts.Add(new ImagePart(JsonRead.Str(file, "fileUri") ?? JsonRead.Str(file, "file_uri")));
                else if (JsonRead.Str(part, "text") is { } text)
                    parts.Add(part["thought"] is JsonValue t && t.GetValueKind() == JsonValueKind.True
                        ? new ReasoningPart(text, JsonRead.Str(part, "thoughtSignature"))
                        : new TextPart(text));
            }
            if (results.Count > 0) messages.Add(new ChatMessage(Role.Tool, results));
            if (parts.Count > 0 || results.Count == 0) messages.Add(new ChatMessage(role, parts));
        }

        var config = Field(body, "generationConfig", "generation_config") as JsonObject ?? new JsonObject();
        var calling = Field(Field(body, "toolConfig", "tool_config"), "functionCallingConfig", "function_calling_config") as JsonObject;
        return new ChatRequest
        {
            Model = JsonRead.RequiredString(body, "model", "model"),
            Messages = messages,
            Tools = (Field(body, "tools") as JsonArray ?? []).OfType<JsonObject>()
                .SelectMany(t => Field(t, "functionDeclarations", "function_declarations") as JsonArray ?? [])
                .OfType<JsonObject>()
                .Select(f => new ToolDefinition(JsonRead.Str(f, "name") ?? "", JsonRead.Str(f, "description"),
                    (f["parametersJsonSchema"] ?? f["parameters_json_schema"] ?? f["parameters"])?.DeepClone()))
                .ToList(),
            ToolChoice = JsonRead.Str(calling, "mode")?.ToUpperInvariant() switch
            {
                "ANY" when (calling!["allowedFunctionNames"] ?? calling["allowed_function_names"]) is JsonArray { Count: 1 } only => new ToolChoice(ToolChoiceKind.Specific, only[0]!.GetValue<string>()),
                "ANY" => new ToolChoice(ToolChoiceKind.Required),
                "NONE" => new ToolChoice(ToolChoiceKind.None),
                "AUTO" => ToolChoice.Auto,
                _ => null,
            },
            Temperature = JsonRead.OptionalNumber(config, "temperature", "generationConfig.temperature"),
            TopP = JsonRead.OptionalNumber(config, "topP", "generationConfig.topP") ?? JsonRead.OptionalNumber(config, "top_p", "generationConfig.top_p"),
            MaxTokens = JsonRead.OptionalInt(config, "maxOutputTokens", "generationConfig.maxOutputTokens") ?? JsonRead.OptionalInt(config, "max_output_tokens", "generationConfig.max_output_tokens"),
            Stop = JsonRead.StringOrStrings(config, config.ContainsKey("stop_sequences") ? "stop_sequences" : "stopSequences", "generationConfig.stopSequences"),
            ResponseFormat = DecodeFormat(config),
            ReasoningBudgetTokens = JsonRead.Int(Field(config, "thinkingConfig", "thinking_config"), "thinkingBudget") ?? JsonRead.Int(Field(config, "thinkingConfig", "thinking_config"), "thinking_budget"),
            IncludeUsage = true,
        };
    }

    private static ResponseFormat? DecodeFormat(JsonObject config)
    {
        var schema = Field(config, "responseJsonSchema", "response_json_schema") ?? Field(config, "responseSchema", "response_schema");
        if (schema is not null) return new ResponseFormat(ResponseFormatKind.JsonSchema, null, schema.DeepClone());
        return (JsonRead.Str(config, "responseMimeType") ?? JsonRead.Str(config, "response_mime_type")) == "application/json" ? new ResponseFormat(ResponseFormatKind.JsonObject) : null;
    }

    /// <summary>A field under its camelCase or snake_case name (clients send either).</summary>
    private static JsonNode? Field(JsonNode? node, string camel, string? snake = null) =>
        node is JsonObject o ? o[camel] ?? (snake is null ? null : o[snake]) : null;

    public static JsonObject Encode(ChatRequest request)
    {
        var body = new JsonObject();
        var system = string.Join("\n\n", request.Messages.Where(m => m.Role is Role.System or Role.Developer).Select(m => m.JoinedText).Where(t => t.Length > 0));
        var names = request.Messages.SelectMany(m => m.Content).OfType<ToolCallPart>().GroupBy(c => c.Id).ToDictionary(g => g.Key, g => g.First().Name);
        var contents = new JsonArray();
        foreach (var message in request.Messages.Where(m => m.Role is not (Role.System or Role.Developer)))
        {
            var role = message.Role == Role.Assistant ? "model" : "user";
            var parts = message.Content.Select(p => EncodePart(p, names)).OfType<JsonNode>().ToArray<JsonNode?>();
            if (parts.Length == 0) continue;
            if (contents.Count > 0 && contents[^1]!["role"]!.GetValue<string>() == role)
                foreach (var part in parts) contents[^1]!["parts"]!.AsArray().Add(part);
            else
                contents.Add(new JsonObject { ["role"] = role, ["parts"] = new JsonArray(parts) });
        }
        body["contents"] = contents;
        if (system.Length > 0) body["systemInstruction"] = new JsonObject { ["parts"] = new JsonArray(new JsonObject { ["text"] = system }) };
        if (request.Tools.Count > 0)
            body["tools"] = new JsonArray(new JsonObject
            {
                ["functionDeclarations"] = new JsonArray(request.Tools.Select(t =>
                {
                    var declaration = new JsonObject { ["name"] = t.Name, ["description"] = t.Description ?? "" };
                    if (t.ParametersSchema is not null) declaration["parametersJsonSchema"] = t.ParametersSchema.DeepClone();
                    return (JsonNode)declaration;
                }).ToArray<JsonNode?>()),
            });
        if (request.ToolChoice is { } choice)
        {
            var calling = new JsonObject { ["mode"] = choice.Kind switch { ToolChoiceKind.None => "NONE", ToolChoiceKind.Auto => "AUTO", _ => "ANY" } };
            if (choice.Kind == ToolChoiceKind.Specific) calling["allowedFunctionNames"] = new JsonArray(choice.Name);
            body["toolConfig"] = new JsonObject { ["functionCallingConfig"] = calling };
        }
        var config = new JsonObject();
        if (request.Temperature is { } temperature) config["temperature"] = temperature;
        if (request.TopP is { } topP) config["topP"] = topP;
        if (request.MaxTokens is { } max) config["maxOutputTokens"] = max;
        if (request.Stop.Count > 0) config["stopSequences"] = new JsonArray(request.Stop.Select(s => (JsonNode)s).ToArray<JsonNode?>());
        if (request.ResponseFormat is { Kind: not ResponseFormatKind.Text } format)
        {
            config["responseMimeType"] = "application/json";
            if (format.Schema is not null) config["responseJsonSchema"] = format.Schema.DeepClone();
        }
        if (request.ReasoningBudgetTokens is { } budget) config["thinkingConfig"] = new JsonObject { ["thinkingBudget"] = budget };
        if (config.Count > 0) body["generationConfig"] = config;
        return body;
    }

    private static JsonObject? EncodePart(ContentPart part, IReadOnlyDictionary<string, string> names) => part switch
    {
        TextPart { Text.Length: > 0 } t => new JsonObject { ["text"] = t.Text },
        ImagePart { Base64Data: not null } i => new JsonObject { ["inlineData"] = new JsonObject { ["mimeType"] = i.MediaType ?? "image/png", ["data"] = i.Base64Data } },
        ImagePart i => new JsonObject { ["fileData"] = new JsonObject { ["fileUri"] = i.Url } },
        ToolCallPart c => new JsonObject { ["functionCall"] = new JsonObject { ["name"] = c.Name, ["args"] = JsonRead.TryParse(c.ArgumentsJson) as JsonObject ?? new JsonObject() } },
        ToolResultPart r => new JsonObject
        {
            ["functionResponse"] = new JsonObject
            {
                ["name"] = names.GetValueOrDefault(r.ToolCallId, r.ToolCallId),
                ["response"] = JsonRead.TryParse(r.Content) as JsonObject ?? new JsonObject { ["result"] = r.Content },
            },
        },
        ReasoningPart { Signature: not null } r => new JsonObject { ["text"] = r.Text, ["thought"] = true, ["thoughtSignature"] = r.Signature },
        _ => null,
    };
}
