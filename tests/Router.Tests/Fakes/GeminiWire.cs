using System.Text.Json.Nodes;
using static Router.Tests.Fakes.WireReplies;

namespace Router.Tests.Fakes;

/// <summary>The Gemini API exactly as generativelanguage.googleapis.com writes it (\r\n\r\n between SSE chunks, no end marker).</summary>
public static class GeminiWire
{
    public const string ModelVersion = "gemini-2.5-flash";

    public static bool HasKey(Microsoft.AspNetCore.Http.HttpContext c, string key) => c.Request.Headers["x-goog-api-key"].ToString() == key;

    public static FakeUpstream.Reply InvalidKey => Json(400,
        """{"error":{"code":400,"message":"API key not valid. Please pass a valid API key.","status":"INVALID_ARGUMENT","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"API_KEY_INVALID","domain":"googleapis.com"}]}}""");

    public static FakeUpstream.Reply RateLimited() => Json(429,
        """{"error":{"code":429,"message":"You exceeded your current quota, please check your plan and billing details.","status":"RESOURCE_EXHAUSTED"}}""");

    public static FakeUpstream.Reply Text(string text) => Json(200, Compact(Chunk([new JsonObject { ["text"] = text }], "STOP", withUsage: true)));

    public static FakeUpstream.Reply FunctionCall(string name, JsonObject args) =>
        Json(200, Compact(Chunk([new JsonObject { ["functionCall"] = new JsonObject { ["name"] = name, ["args"] = args.DeepClone() } }], "STOP", withUsage: true)));

    public static FakeUpstream.Reply StreamText(IEnumerable<string> pieces)
    {
        var list = pieces.ToList();
        return Sse(list.Select((p, i) => GoogleFrame(Chunk([new JsonObject { ["text"] = p }], i == list.Count - 1 ? "STOP" : null, withUsage: i == list.Count - 1))));
    }

    /// <summary>A stream that starts a text answer, then fails with Gemini's in-stream error chunk.</summary>
    public static FakeUpstream.Reply StreamThenError(string firstPiece) => Sse(
    [
        GoogleFrame(Chunk([new JsonObject { ["text"] = firstPiece }], null, withUsage: false)),
        "data: " + Compact(new JsonObject { ["error"] = new JsonObject { ["code"] = 503, ["message"] = "The model is overloaded. Please try again later.", ["status"] = "UNAVAILABLE" } }) + "\r\n\r\n",
    ]);

    public static FakeUpstream.Reply StreamFunctionCall(string name, JsonObject args) => Sse(
    [
        GoogleFrame(Chunk([new JsonObject { ["functionCall"] = new JsonObject { ["name"] = name, ["args"] = args.DeepClone() } }], "STOP", withUsage: true)),
    ]);

    private static string GoogleFrame(JsonObject chunk) => "data: " + Compact(chunk) + "\r\n\r\n";

    private static JsonObject Chunk(IEnumerable<JsonObject> parts, string? finishReason, bool withUsage)
    {
        var candidate = new JsonObject { ["content"] = new JsonObject { ["parts"] = new JsonArray(parts.ToArray<JsonNode?>()), ["role"] = "model" }, ["index"] = 0 };
        if (finishReason is not null) candidate["finishReason"] = finishReason;
        var chunk = new JsonObject { ["candidates"] = new JsonArray(candidate) };
        chunk["usageMetadata"] = withUsage
            ? new JsonObject { ["promptTokenCount"] = 9, ["candidatesTokenCount"] = 12, ["totalTokenCount"] = 21, ["promptTokensDetails"] = new JsonArray(new JsonObject { ["modality"] = "TEXT", ["tokenCount"] = 9 }) }
            : new JsonObject { ["promptTokenCount"] = 9, ["totalTokenCount"] = 9 };
        chunk["modelVersion"] = ModelVersion;
        chunk["responseId"] = "mkP1aJSfGdqs1PIP1_S4gQs";
        return chunk;
    }
}
