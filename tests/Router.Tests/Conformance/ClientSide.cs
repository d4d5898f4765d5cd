using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json.Nodes;
using OpenAI.Chat;
using Router.Tests.Fakes;
using Router.Tests.Integration;

namespace Router.Tests.Conformance;

/// <summary>A tool call as a client saw it.</summary>
public sealed record SeenToolCall(string Id, string Name, string ArgumentsJson);

/// <summary>
/// One inbound format in the matrix: how its client asks for text, for a tool call, and answers a tool
/// call. OpenAI Chat goes through the official OpenAI SDK; the others through raw HTTP exactly as their
/// SDKs send it, with streams read event by event from the wire (not through router code).
/// </summary>
public abstract class ClientSide
{
    public const string Prompt = "What is the weather in Paris?";
    public const string ToolOutput = "sunny, 24C";

    public abstract string Name { get; }
    public abstract Task<string> TextAsync(RouterUnderTest router, string model, bool stream);
    public abstract Task<SeenToolCall> ToolCallAsync(RouterUnderTest router, string model, bool stream);
    public abstract Task<string> AfterToolAsync(RouterUnderTest router, string model, bool stream, SeenToolCall call);

    public override string ToString() => Name;

    public static readonly ClientSide[] All = [new OpenAiChatClient(), new ResponsesClient(), new AnthropicClient(), new GeminiClient()];

    protected static readonly JsonObject WeatherSchema = new()
    {
        ["type"] = "object", ["properties"] = new JsonObject { ["location"] = new JsonObject { ["type"] = "string" } }, ["required"] = new JsonArray("location"),
    };

    protected static async Task<JsonObject> PostJsonAsync(RouterUnderTest router, string path, JsonObject body, Action<HttpRequestHeaders>? headers = null)
    {
        using var response = await SendAsync(router, path, body, headers);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return (JsonObject)JsonNode.Parse(text)!;
    }

    /// <summary>The SSE items of a streamed answer, as they came over the wire.</summary>
    protected static async Task<List<SseItem<string>>> PostStreamAsync(RouterUnderTest router, string path, JsonObject body, Action<HttpRequestHeaders>? headers = null)
    {
        using var response = await SendAsync(router, path, body, headers);
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var items = new List<SseItem<string>>();
        await foreach (var item in SseParser.Create(await response.Content.ReadAsStreamAsync()).EnumerateAsync())
            items.Add(item);
        return items;
    }

    private static Task<HttpResponseMessage> SendAsync(RouterUnderTest router, string path, JsonObject body, Action<HttpRequestHeaders>? headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        headers?.Invoke(request.Headers);
        return router.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    protected static JsonObject Data(SseItem<string> item) => (JsonObject)JsonNode.Parse(item.Data)!;

    private sealed class OpenAiChatClient : ClientSide
    {
        public override string Name => "openai-chat";

        private static ChatCompletionOptions Options => new() { Tools = { Sdk.WeatherTool } };

        public override async Task<string> TextAsync(RouterUnderTest router, string model, bool stream) => stream
            ? (await Sdk.StreamAsync(Sdk.Chat(router, model), [new UserChatMessage(Prompt)])).Text
            : (await Sdk.Chat(router, model).CompleteChatAsync([new UserChatMessage(Prompt)])).Value.Content[0].Text;

        public override async Task<SeenToolCall> ToolCallAsync(RouterUnderTest router, string model, bool stream)
        {
            if (!stream)
            {
                ChatCompletion completion = await Sdk.Chat(router, model).CompleteChatAsync([new UserChatMessage(Prompt)], Options);
                Assert.Equal(ChatFinishReason.ToolCalls, completion.FinishReason);
                var call = completion.ToolCalls.Single();
                return new SeenToolCall(call.Id, call.FunctionName, call.FunctionArguments.ToString());
            }
            var (_, updates) = await Sdk.StreamAsync(Sdk.Chat(router, model), [new UserChatMessage(Prompt)], Options);
            Assert.Contains(updates, u => u.FinishReason == ChatFinishReason.ToolCalls);
            var parts = updates.SelectMany(u => u.ToolCallUpdates).ToList();
            return new SeenToolCall(parts.First(p => p.ToolCallId is not null).ToolCallId, parts.First(p => p.FunctionName is not null).FunctionName,
                string.Concat(parts.Select(p => p.FunctionArgumentsUpdate?.ToString())));
        }

        public override async Task<string> AfterToolAsync(RouterUnderTest router, string model, bool stream, SeenToolCall call)
        {
            List<ChatMessage> messages =
            [
                new UserChatMessage(Prompt),
                new AssistantChatMessage([ChatToolCall.CreateFunctionToolCall(call.Id, call.Name, BinaryData.FromString(call.ArgumentsJson))]),
                new ToolChatMessage(call.Id, ToolOutput),
            ];
            return stream
                ? (await Sdk.StreamAsync(Sdk.Chat(router, model), messages, Options)).Text
                : (await Sdk.Chat(router, model).CompleteChatAsync(messages, Options)).Value.Content[0].Text;
        }
    }

    private sealed class ResponsesClient : ClientSide
    {
        public override string Name => "openai-responses";

        private static JsonObject Body(string model, bool stream, JsonArray input, bool tools = true)
        {
            var body = new JsonObject { ["model"] = model, ["input"] = input, ["stream"] = stream };
            if (tools) body["tools"] = new JsonArray(new JsonObject { ["type"] = "function", ["name"] = UpstreamSide.Tool, ["description"] = "Current weather", ["parameters"] = WeatherSchema.DeepClone(), ["strict"] = false });
            return body;
        }

        private static JsonObject UserItem() => new() { ["role"] = "user", ["content"] = new JsonArray(new JsonObject { ["type"] = "input_text", ["text"] = Prompt }) };

        public override async Task<string> TextAsync(RouterUnderTest router, string model, bool stream)
        {
            var body = Body(model, stream, [UserItem()], tools: false);
            if (stream)
                return string.Concat((await PostStreamAsync(router, "/v1/responses", body)).Where(i => i.EventType == "response.output_text.delta").Select(i => Data(i)["delta"]!.GetValue<string>()));
            var answer = await PostJsonAsync(router, "/v1/responses", body);
            return string.Concat(answer["output"]!.AsArray().Where(o => o!["type"]!.GetValue<string>() == "message")
                .SelectMany(o => o!["content"]!.AsArray()).Select(c => c!["text"]!.GetValue<string>()));
        }

        public override async Task<SeenToolCall> ToolCallAsync(RouterUnderTest router, string model, bool stream)
        {
            var body = Body(model, stream, [UserItem()]);
            if (stream)
            {
                var items = await PostStreamAsync(router, "/v1/responses", body);
                var added = items.Select(Data).First(d => d["type"]!.GetValue<string>() == "response.output_item.added" && d["item"]!["type"]!.GetValue<string>() == "function_call")["item"]!;
                var arguments = string.Concat(items.Where(i => i.EventType == "response.function_call_arguments.delta").Select(i => Data(i)["delta"]!.GetValue<string>()));
                Assert.Equal("response.completed", items[^1].EventType);
                return new SeenToolCall(added["call_id"]!.GetValue<string>(), added["name"]!.GetValue<string>(), arguments);
            }
            var call = (await PostJsonAsync(router, "/v1/responses", body))["output"]!.AsArray().Single(o => o!["type"]!.GetValue<string>() == "function_call")!;
            return new SeenToolCall(call["call_id"]!.GetValue<string>(), call["name"]!.GetValue<string>(), call["arguments"]!.GetValue<string>());
        }

        public override async Task<string> AfterToolAsync(RouterUnderTest router, string model, bool stream, SeenToolCall call)
        {
            JsonArray input =
            [
                UserItem(),
                new JsonObject { ["type"] = "function_call", ["call_id"] = call.Id, ["name"] = call.Name, ["arguments"] = call.ArgumentsJson },
                new JsonObject { ["type"] = "function_call_output", ["call_id"] = call.Id, ["output"] = ToolOutput },
            ];
            var body = Body(model, stream, input);
            if (stream)
                return string.Concat((await PostStreamAsync(router, "/v1/responses", body)).Where(i => i.EventType == "response.output_text.delta").Select(i => Data(i)["delta"]!.GetValue<string>()));
            return string.Concat((await PostJsonAsync(router, "/v1/responses", body))["output"]!.AsArray().Where(o => o!["type"]!.GetValue<string>() == "message")
                .SelectMany(o => o!["content"]!.AsArray()).Select(c => c!["text"]!.GetValue<string>()));
        }
    }

    private sealed class AnthropicClient : ClientSide
    {
        public override string Name => "anthropic-messages";

        private static void Headers(HttpRequestHeaders h)
        {
            h.Authorization = new AuthenticationHeaderValue("Bearer", "sk-client");
            h.Add("anthropic-version", "2023-06-01");
        }

        private static JsonObject Body(string model, bool stream, JsonArray messages, bool tools = true)
        {
            var body = new JsonObject { ["model"] = model, ["max_tokens"] = 1024, ["messages"] = messages, ["stream"] = stream };
            if (tools) body["tools"] = new JsonArray(new JsonObject { ["name"] = UpstreamSide.Tool, ["description"] = "Current weather", ["input_schema"] = WeatherSchema.DeepClone() });
            return body;
        }

        private static JsonObject User() => new() { ["role"] = "user", ["content"] = Prompt };

        private static string Text(List<SseItem<string>> items) =>
            string.Concat(items.Where(i => i.EventType == "content_block_delta").Select(Data).Where(d => d["delta"]!["type"]!.GetValue<string>() == "text_delta").Select(d => d["delta"]!["text"]!.GetValue<string>()));

        private static string Text(JsonObject message) =>
            string.Concat(message["content"]!.AsArray().Where(b => b!["type"]!.GetValue<string>() == "text").Select(b => b!["text"]!.GetValue<string>()));

        public override async Task<string> TextAsync(RouterUnderTest router, string model, bool stream)
        {
            var body = Body(model, stream, [User()], tools: false);
            if (!stream) return Text(await PostJsonAsync(router, "/v1/messages", body, Headers));
            var items = await PostStreamAsync(router, "/v1/messages", body, Headers);
            Assert.Equal("message_start", items[0].EventType);
            Assert.Equal("message_stop", items[^1].EventType);
            return Text(items);
        }

        public override async Task<SeenToolCall> ToolCallAsync(RouterUnderTest router, string model, bool stream)
        {
            var body = Body(model, stream, [User()]);
            if (stream)
            {
                var items = await PostStreamAsync(router, "/v1/messages", body, Headers);
                var start = items.Select(Data).First(d => d["type"]!.GetValue<string>() == "content_block_start" && d["content_block"]!["type"]!.GetValue<string>() == "tool_use");
                var arguments = string.Concat(items.Select(Data).Where(d => d["delta"]?["type"]?.GetValue<string>() == "input_json_delta").Select(d => d["delta"]!["partial_json"]!.GetValue<string>()));
                Assert.Contains(items.Select(Data), d => d["delta"]?["stop_reason"]?.GetValue<string>() == "tool_use");
                return new SeenToolCall(start["content_block"]!["id"]!.GetValue<string>(), start["content_block"]!["name"]!.GetValue<string>(), arguments);
            }
            var message = await PostJsonAsync(router, "/v1/messages", body, Headers);
            Assert.Equal("tool_use", message["stop_reason"]!.GetValue<string>());
            var use = message["content"]!.AsArray().Single(b => b!["type"]!.GetValue<string>() == "tool_use")!;
            return new SeenToolCall(use["id"]!.GetValue<string>(), use["name"]!.GetValue<string>(), use["input"]!.ToJsonString());
        }

        public override async Task<string> AfterToolAsync(RouterUnderTest router, string model, bool stream, SeenToolCall call)
        {
            JsonArray messages =
            [
                User(),
                new JsonObject { ["role"] = "assistant", ["content"] = new JsonArray(new JsonObject { ["type"] = "tool_use", ["id"] = call.Id, ["name"] = call.Name, ["input"] = JsonNode.Parse(call.ArgumentsJson) }) },
                new JsonObject { ["role"] = "user", ["content"] = new JsonArray(new JsonObject { ["type"] = "tool_result", ["tool_use_id"] = call.Id, ["content"] = ToolOutput }) },
            ];
            var body = Body(model, stream, messages);
            return stream ? Text(await PostStreamAsync(router, "/v1/messages", body, Headers)) : Text(await PostJsonAsync(router, "/v1/messages", body, Headers));
        }
    }

    private sealed class GeminiClient : ClientSide
    {
        public override string Name => "gemini";

        private static void Headers(HttpRequestHeaders h) => h.Add("x-goog-api-key", "sk-client");

        private static string Path(string model, bool stream) => stream ? $"/v1beta/models/{model}:streamGenerateContent?alt=sse" : $"/v1beta/models/{model}:generateContent";

        private static JsonObject Body(JsonArray contents, bool tools = true)
        {
            var body = new JsonObject { ["contents"] = contents };
            if (tools) body["tools"] = new JsonArray(new JsonObject { ["functionDeclarations"] = new JsonArray(new JsonObject { ["name"] = UpstreamSide.Tool, ["description"] = "Current weather", ["parameters"] = WeatherSchema.DeepClone() }) });
            return body;
        }

        private static JsonObject User() => new() { ["role"] = "user", ["parts"] = new JsonArray(new JsonObject { ["text"] = Prompt }) };

        private static IEnumerable<JsonObject> Parts(JsonObject chunk) =>
            (chunk["candidates"] as JsonArray ?? []).SelectMany(c => c!["content"]?["parts"] as JsonArray ?? []).OfType<JsonObject>();

        private async Task<List<JsonObject>> ChunksAsync(RouterUnderTest router, string model, bool stream, JsonObject body) => stream
            ? (await PostStreamAsync(router, Path(model, true), body, Headers)).Select(Data).ToList()
            : [await PostJsonAsync(router, Path(model, false), body, Headers)];

        public override async Task<string> TextAsync(RouterUnderTest router, string model, bool stream) =>
            string.Concat((await ChunksAsync(router, model, stream, Body([User()], tools: false))).SelectMany(Parts).Select(p => p["text"]?.GetValue<string>()));

        public override async Task<SeenToolCall> ToolCallAsync(RouterUnderTest router, string model, bool stream)
        {
            var call = (await ChunksAsync(router, model, stream, Body([User()]))).SelectMany(Parts).Single(p => p["functionCall"] is not null)["functionCall"]!;
            return new SeenToolCall(call["id"]?.GetValue<string>() ?? "", call["name"]!.GetValue<string>(), call["args"]!.ToJsonString());
        }

        public override async Task<string> AfterToolAsync(RouterUnderTest router, string model, bool stream, SeenToolCall call)
        {
            JsonArray contents =
            [
                User(),
                new JsonObject { ["role"] = "model", ["parts"] = new JsonArray(new JsonObject { ["functionCall"] = new JsonObject { ["name"] = call.Name, ["args"] = JsonNode.Parse(call.ArgumentsJson) } }) },
                new JsonObject { ["role"] = "user", ["parts"] = new JsonArray(new JsonObject { ["functionResponse"] = new JsonObject { ["name"] = call.Name, ["response"] = new JsonObject { ["result"] = ToolOutput } } }) },
            ];
            return string.Concat((await ChunksAsync(router, model, stream, Body(contents))).SelectMany(Parts).Select(p => p["text"]?.GetValue<string>()));
        }
    }
}
