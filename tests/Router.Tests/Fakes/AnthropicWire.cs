using System.Text.Json.Nodes;
using static Router.Tests.Fakes.WireReplies;

namespace Router.Tests.Fakes;

/// <summary>Anthropic Messages exactly as api.anthropic.com writes it (bodies, the SSE event sequence, errors).</summary>
public static class AnthropicWire
{
    public const string Model = "claude-sonnet-4-5-20250929";

    /// <summary>The real API insists on both headers.</summary>
    public static bool HasKey(Microsoft.AspNetCore.Http.HttpContext c, string key) =>
        c.Request.Headers["x-api-key"].ToString() == key && c.Request.Headers["anthropic-version"].ToString().Length > 0;

    public static FakeUpstream.Reply InvalidKey => Json(401, """{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"},"request_id":"req_011CSHoEeqs5C35K2UUqR7Fy"}""");

    public static FakeUpstream.Reply Overloaded => Json(529, """{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}""");

    public static FakeUpstream.Reply RateLimited(int retryAfterSeconds) => Json(429,
        """{"type":"error","error":{"type":"rate_limit_error","message":"Number of request tokens has exceeded your per-minute rate limit"}}""",
        new Dictionary<string, string> { ["retry-after"] = retryAfterSeconds.ToString() });

    public static FakeUpstream.Reply BadRequest(string message) => Json(400, $$$"""{"type":"error","error":{"type":"invalid_request_error","message":"{{{message}}}"}}""");

    public static FakeUpstream.Reply Text(string text) => Json(200, Compact(Message(
        new JsonArray(new JsonObject { ["type"] = "text", ["text"] = text }), "end_turn", 12, 6)));

    public static FakeUpstream.Reply ToolUse(string id, string name, JsonObject input, string? preface = null)
    {
        var content = new JsonArray();
        if (preface is not null) content.Add(new JsonObject { ["type"] = "text", ["text"] = preface });
        content.Add(new JsonObject { ["type"] = "tool_use", ["id"] = id, ["name"] = name, ["input"] = input });
        return Json(200, Compact(Message(content, "tool_use", 384, 58)));
    }

    public static FakeUpstream.Reply StreamText(IEnumerable<string> pieces, TimeSpan? pause = null)
    {
        var frames = new List<string>
        {
            MessageStart(25),
            Frame("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"""),
            Frame("ping", """{"type": "ping"}"""),
        };
        frames.AddRange(pieces.Select(p => Frame("content_block_delta", Compact(new JsonObject
        {
            ["type"] = "content_block_delta", ["index"] = 0, ["delta"] = new JsonObject { ["type"] = "text_delta", ["text"] = p },
        }))));
        frames.Add(Frame("content_block_stop", """{"type":"content_block_stop","index":0}"""));
        frames.Add(Frame("message_delta", """{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":15}}"""));
        frames.Add(Frame("message_stop", """{"type":"message_stop"}"""));
        return Sse(frames, pause);
    }

    public static FakeUpstream.Reply StreamToolUse(string preface, string id, string name, IEnumerable<string> partialJson)
    {
        var frames = new List<string>
        {
            MessageStart(472),
            Frame("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"""),
            Frame("content_block_delta", Compact(new JsonObject { ["type"] = "content_block_delta", ["index"] = 0, ["delta"] = new JsonObject { ["type"] = "text_delta", ["text"] = preface } })),
            Frame("content_block_stop", """{"type":"content_block_stop","index":0}"""),
            Frame("content_block_start", Compact(new JsonObject
            {
                ["type"] = "content_block_start", ["index"] = 1,
                ["content_block"] = new JsonObject { ["type"] = "tool_use", ["id"] = id, ["name"] = name, ["input"] = new JsonObject() },
            })),
        };
        frames.AddRange(partialJson.Select(p => Frame("content_block_delta", Compact(new JsonObject
        {
            ["type"] = "content_block_delta", ["index"] = 1, ["delta"] = new JsonObject { ["type"] = "input_json_delta", ["partial_json"] = p },
        }))));
        frames.Add(Frame("content_block_stop", """{"type":"content_block_stop","index":1}"""));
        frames.Add(Frame("message_delta", """{"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":89}}"""));
        frames.Add(Frame("message_stop", """{"type":"message_stop"}"""));
        return Sse(frames);
    }

    /// <summary>Anthropic's mid-stream failure: an error event after the message started.</summary>
    public static FakeUpstream.Reply StreamThenError(string firstPiece) => Sse(
    [
        MessageStart(25),
        Frame("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"""),
        Frame("content_block_delta", Compact(new JsonObject { ["type"] = "content_block_delta", ["index"] = 0, ["delta"] = new JsonObject { ["type"] = "text_delta", ["text"] = firstPiece } })),
        Frame("error", """{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"""),
    ]);

    private static string MessageStart(int inputTokens) => Frame("message_start", Compact(new JsonObject
    {
        ["type"] = "message_start",
        ["message"] = new JsonObject
        {
            ["id"] = "msg_01XFDUDYJgAACzvnptvVoYEL", ["type"] = "message", ["role"] = "assistant", ["model"] = Model,
            ["content"] = new JsonArray(), ["stop_reason"] = null, ["stop_sequence"] = null,
            ["usage"] = new JsonObject { ["input_tokens"] = inputTokens, ["cache_creation_input_tokens"] = 0, ["cache_read_input_tokens"] = 0, ["output_tokens"] = 1 },
        },
    }));

    private static JsonObject Message(JsonArray content, string stopReason, int inputTokens, int outputTokens) => new()
    {
        ["id"] = "msg_013Zva2CMHLNnXjNJJKqJ2EF",
        ["type"] = "message",
        ["role"] = "assistant",
        ["model"] = Model,
        ["content"] = content,
        ["stop_reason"] = stopReason,
        ["stop_sequence"] = null,
        ["usage"] = new JsonObject { ["input_tokens"] = inputTokens, ["cache_creation_input_tokens"] = 0, ["cache_read_input_tokens"] = 0, ["output_tokens"] = outputTokens, ["service_tier"] = "standard" },
    };
}
