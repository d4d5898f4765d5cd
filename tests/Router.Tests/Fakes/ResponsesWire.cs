using System.Text.Json.Nodes;
using static Router.Tests.Fakes.WireReplies;

namespace Router.Tests.Fakes;

/// <summary>OpenAI Responses exactly as api.openai.com writes it (response objects, the named event stream).</summary>
public static class ResponsesWire
{
    public const string Model = "gpt-5-2025-08-07";
    private const string Id = "resp_68af4030592c81938ec0a5fbab4a3e9f05438e46b5f69a3b";

    public static FakeUpstream.Reply Text(string text) => Json(200, Compact(Response("completed", new JsonArray(Message(text)))));

    public static FakeUpstream.Reply FunctionCall(string callId, string name, string arguments) =>
        Json(200, Compact(Response("completed", new JsonArray(Call(callId, name, arguments, "completed")))));

    public static FakeUpstream.Reply RateLimited(int seconds) => Json(429,
        """{"error":{"message":"Rate limit reached for gpt-5 on tokens per min (TPM).","type":"tokens","param":null,"code":"rate_limit_exceeded"}}""",
        new Dictionary<string, string> { ["retry-after"] = seconds.ToString() });

    public static FakeUpstream.Reply StreamText(IEnumerable<string> pieces)
    {
        var events = new Events();
        events.Start();
        var text = "";
        events.Add("response.output_item.added", new() { ["output_index"] = 0, ["item"] = new JsonObject { ["id"] = "msg_1", ["type"] = "message", ["status"] = "in_progress", ["content"] = new JsonArray(), ["role"] = "assistant" } });
        events.Add("response.content_part.added", new() { ["item_id"] = "msg_1", ["output_index"] = 0, ["content_index"] = 0, ["part"] = new JsonObject { ["type"] = "output_text", ["annotations"] = new JsonArray(), ["text"] = "" } });
        foreach (var piece in pieces)
        {
            text += piece;
            events.Add("response.output_text.delta", new() { ["item_id"] = "msg_1", ["output_index"] = 0, ["content_index"] = 0, ["delta"] = piece, ["logprobs"] = new JsonArray() });
        }
        events.Add("response.output_text.done", new() { ["item_id"] = "msg_1", ["output_index"] = 0, ["content_index"] = 0, ["text"] = text, ["logprobs"] = new JsonArray() });
        events.Add("response.content_part.done", new() { ["item_id"] = "msg_1", ["output_index"] = 0, ["content_index"] = 0, ["part"] = new JsonObject { ["type"] = "output_text", ["annotations"] = new JsonArray(), ["text"] = text } });
        events.Add("response.output_item.done", new() { ["output_index"] = 0, ["item"] = Message(text) });
        events.Add("response.completed", new() { ["response"] = Response("completed", new JsonArray(Message(text))) });
        return Sse(events.Frames);
    }

    /// <summary>A stream that starts a text answer, then fails with Responses' error event.</summary>
    public static FakeUpstream.Reply StreamThenError(string firstPiece)
    {
        var events = new Events();
        events.Start();
        events.Add("response.output_item.added", new() { ["output_index"] = 0, ["item"] = new JsonObject { ["id"] = "msg_1", ["type"] = "message", ["status"] = "in_progress", ["content"] = new JsonArray(), ["role"] = "assistant" } });
        events.Add("response.output_text.delta", new() { ["item_id"] = "msg_1", ["output_index"] = 0, ["content_index"] = 0, ["delta"] = firstPiece, ["logprobs"] = new JsonArray() });
        events.Add("error", new() { ["code"] = "server_error", ["message"] = "The server had an error while processing your request.", ["param"] = null });
        return Sse(events.Frames);
    }

    public static FakeUpstream.Reply StreamFunctionCall(string callId, string name, IEnumerable<string> argumentPieces)
    {
        var events = new Events();
        events.Start();
        var arguments = "";
        events.Add("response.output_item.added", new() { ["output_index"] = 0, ["item"] = Call(callId, name, "", "in_progress") });
        foreach (var piece in argumentPieces)
        {
            arguments += piece;
            events.Add("response.function_call_arguments.delta", new() { ["item_id"] = "fc_1", ["output_index"] = 0, ["delta"] = piece });
        }
        events.Add("response.function_call_arguments.done", new() { ["item_id"] = "fc_1", ["output_index"] = 0, ["arguments"] = arguments });
        events.Add("response.output_item.done", new() { ["output_index"] = 0, ["item"] = Call(callId, name, arguments, "completed") });
        events.Add("response.completed", new() { ["response"] = Response("completed", new JsonArray(Call(callId, name, arguments, "completed"))) });
        return Sse(events.Frames);
    }

    private sealed class Events
    {
        private int _sequence;
        public List<string> Frames { get; } = [];

        public void Start()
        {
            Add("response.created", new() { ["response"] = Response("in_progress", new JsonArray(), withUsage: false) });
            Add("response.in_progress", new() { ["response"] = Response("in_progress", new JsonArray(), withUsage: false) });
        }

        public void Add(string type, JsonObject data)
        {
            Frames.Add(Frame(type, Compact(Router.Protocols.Json.JsonShape.TypedEvent(type, data, ("sequence_number", _sequence++)))));
        }
    }

    private static JsonObject Message(string text) => new()
    {
        ["id"] = "msg_1", ["type"] = "message", ["status"] = "completed", ["role"] = "assistant",
        ["content"] = new JsonArray(new JsonObject { ["type"] = "output_text", ["annotations"] = new JsonArray(), ["logprobs"] = new JsonArray(), ["text"] = text }),
    };

    private static JsonObject Call(string callId, string name, string arguments, string status) => new()
    {
        ["id"] = "fc_1", ["type"] = "function_call", ["status"] = status, ["arguments"] = arguments, ["call_id"] = callId, ["name"] = name,
    };

    private static JsonObject Response(string status, JsonArray output, bool withUsage = true) => new()
    {
        ["id"] = Id, ["object"] = "response", ["created_at"] = 1756315696, ["status"] = status, ["background"] = false, ["error"] = null,
        ["incomplete_details"] = null, ["instructions"] = null, ["max_output_tokens"] = null, ["model"] = Model, ["output"] = output,
        ["parallel_tool_calls"] = true, ["previous_response_id"] = null, ["store"] = true, ["temperature"] = 1.0, ["tool_choice"] = "auto", ["tools"] = new JsonArray(),
        ["top_p"] = 1.0, ["truncation"] = "disabled",
        ["usage"] = withUsage
            ? new JsonObject { ["input_tokens"] = 36, ["input_tokens_details"] = new JsonObject { ["cached_tokens"] = 0 }, ["output_tokens"] = 87, ["output_tokens_details"] = new JsonObject { ["reasoning_tokens"] = 0 }, ["total_tokens"] = 123 }
            : null,
        ["user"] = null, ["metadata"] = new JsonObject(),
    };
}
