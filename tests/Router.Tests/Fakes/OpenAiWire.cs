using System.Text.Json.Nodes;
using static Router.Tests.Fakes.WireReplies;

namespace Router.Tests.Fakes;

/// <summary>OpenAI Chat Completions exactly as api.openai.com writes it (bodies, chunks, errors).</summary>
public static class OpenAiWire
{
    public const string Model = "gpt-4.1-2025-04-14";

    public static bool HasKey(Microsoft.AspNetCore.Http.HttpContext c, string key) =>
        c.Request.Headers.Authorization.ToString() == "Bearer " + key;

    public static FakeUpstream.Reply InvalidKey => Json(401, """{"error":{"message":"Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}""");

    public static FakeUpstream.Reply Text(string text, int promptTokens = 19, int completionTokens = 10, int cachedTokens = 0) => Json(200, Compact(Completion(
        new JsonObject { ["role"] = "assistant", ["content"] = text, ["refusal"] = null, ["annotations"] = new JsonArray() }, "stop", promptTokens, completionTokens, cachedTokens)));

    public static FakeUpstream.Reply ToolCall(string id, string name, string arguments) => Json(200, Compact(Completion(
        new JsonObject
        {
            ["role"] = "assistant", ["content"] = null,
            ["tool_calls"] = new JsonArray(new JsonObject { ["id"] = id, ["type"] = "function", ["function"] = new JsonObject { ["name"] = name, ["arguments"] = arguments } }),
            ["refusal"] = null, ["annotations"] = new JsonArray(),
        }, "tool_calls", 80, 17)));

    public static FakeUpstream.Reply RateLimited(int retryAfterSeconds) => Json(429,
        """{"error":{"message":"Rate limit reached for gpt-4.1 in organization org-x on requests per min (RPM): Limit 3, Used 3, Requested 1.","type":"requests","param":null,"code":"rate_limit_exceeded"}}""",
        new Dictionary<string, string> { ["retry-after"] = retryAfterSeconds.ToString() });

    public static FakeUpstream.Reply ServerError => Json(500, """{"error":{"message":"The server had an error while processing your request. Sorry about that!","type":"server_error","param":null,"code":null}}""");

    public static FakeUpstream.Reply BadRequest(string message) => Json(400, $$$"""{"error":{"message":"{{{message}}}","type":"invalid_request_error","param":"messages","code":null}}""");

    /// <summary>A streamed text answer split into the given pieces, with a usage chunk when asked for.</summary>
    public static FakeUpstream.Reply StreamText(IEnumerable<string> pieces, bool includeUsage = true, TimeSpan? pause = null, bool breakBeforeEnd = false)
    {
        var frames = new List<string> { Frame(Compact(Chunk(new JsonObject { ["role"] = "assistant", ["content"] = "", ["refusal"] = null }, null))) };
        frames.AddRange(pieces.Select(p => Frame(Compact(Chunk(new JsonObject { ["content"] = p }, null)))));
        if (breakBeforeEnd) return Sse(frames, pause, abortAtEnd: true);
        frames.Add(Frame(Compact(Chunk(new JsonObject(), "stop"))));
        if (includeUsage) frames.Add(Frame(Compact(UsageChunk(19, 10))));
        frames.Add(Frame("[DONE]"));
        return Sse(frames, pause);
    }

    /// <summary>A streamed tool call whose arguments arrive in pieces.</summary>
    public static FakeUpstream.Reply StreamToolCall(string id, string name, IEnumerable<string> argumentPieces)
    {
        var frames = new List<string>
        {
            Frame(Compact(Chunk(new JsonObject
            {
                ["role"] = "assistant", ["content"] = null,
                ["tool_calls"] = new JsonArray(new JsonObject { ["index"] = 0, ["id"] = id, ["type"] = "function", ["function"] = new JsonObject { ["name"] = name, ["arguments"] = "" } }),
                ["refusal"] = null,
            }, null))),
        };
        frames.AddRange(argumentPieces.Select(p => Frame(Compact(Chunk(new JsonObject
        {
            ["tool_calls"] = new JsonArray(new JsonObject { ["index"] = 0, ["function"] = new JsonObject { ["arguments"] = p } }),
        }, null)))));
        frames.Add(Frame(Compact(Chunk(new JsonObject(), "tool_calls"))));
        frames.Add(Frame("[DONE]"));
        return Sse(frames);
    }

    private static JsonObject Completion(JsonObject message, string finishReason, int promptTokens, int completionTokens, int cachedTokens = 0) => new()
    {
        ["id"] = "chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT",
        ["object"] = "chat.completion",
        ["created"] = 1741569952,
        ["model"] = Model,
        ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["message"] = message, ["logprobs"] = null, ["finish_reason"] = finishReason }),
        ["usage"] = Usage(promptTokens, completionTokens, cachedTokens),
        ["service_tier"] = "default",
        ["system_fingerprint"] = "fp_50cad350e4",
    };

    private static JsonObject Chunk(JsonObject delta, string? finishReason) => new()
    {
        ["id"] = "chatcmpl-stream-1",
        ["object"] = "chat.completion.chunk",
        ["created"] = 1741569952,
        ["model"] = Model,
        ["service_tier"] = "default",
        ["system_fingerprint"] = "fp_50cad350e4",
        ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["logprobs"] = null, ["finish_reason"] = finishReason }),
        ["usage"] = null,
    };

    private static JsonObject UsageChunk(int promptTokens, int completionTokens) => new()
    {
        ["id"] = "chatcmpl-stream-1",
        ["object"] = "chat.completion.chunk",
        ["created"] = 1741569952,
        ["model"] = Model,
        ["service_tier"] = "default",
        ["system_fingerprint"] = "fp_50cad350e4",
        ["choices"] = new JsonArray(),
        ["usage"] = Usage(promptTokens, completionTokens),
    };

    private static JsonObject Usage(int promptTokens, int completionTokens, int cachedTokens = 0) => new()
    {
        ["prompt_tokens"] = promptTokens,
        ["completion_tokens"] = completionTokens,
        ["total_tokens"] = promptTokens + completionTokens,
        ["prompt_tokens_details"] = new JsonObject { ["cached_tokens"] = cachedTokens, ["audio_tokens"] = 0 },
        ["completion_tokens_details"] = new JsonObject { ["reasoning_tokens"] = 0, ["audio_tokens"] = 0, ["accepted_prediction_tokens"] = 0, ["rejected_prediction_tokens"] = 0 },
    };
}
