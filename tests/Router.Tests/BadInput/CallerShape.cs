using System.Text.Json.Nodes;

namespace Router.Tests.BadInput;

/// <summary>The three error shapes clients parse, and which one a path's caller expects.</summary>
public enum Shape { OpenAi, Anthropic, Gemini }

public static class CallerShape
{
    public static Shape ForPath(string path) =>
        path.StartsWith("/v1/messages") ? Shape.Anthropic
        : path.StartsWith("/v1beta") || path.StartsWith("/v1/models/") && path.Contains(':') ? Shape.Gemini
        : Shape.OpenAi;

    /// <summary>Null when <paramref name="body"/> is an error of that shape for <paramref name="status"/>, else what is wrong.</summary>
    public static string? Problem(Shape shape, int status, string body, string? contentType)
    {
        if (contentType is null || !contentType.StartsWith("application/json")) return $"content type '{contentType}'";
        JsonObject? json;
        try { json = JsonNode.Parse(body) as JsonObject; }
        catch (System.Text.Json.JsonException) { return $"not JSON: '{body}'"; }
        var error = json?["error"] as JsonObject;
        var ok = shape switch
        {
            Shape.OpenAi => error?["message"] is JsonValue && error["type"] is JsonValue,
            Shape.Anthropic => json?["type"]?.GetValue<string>() == "error" && error?["type"] is JsonValue && error["message"] is JsonValue,
            _ => error?["code"] is JsonValue code && code.GetValue<int>() == status && error["message"] is JsonValue && error["status"] is JsonValue,
        };
        return ok ? null : $"not a {shape} error: '{body}'";
    }

    public static void Assert(string path, RawAnswer answer)
    {
        var problem = Problem(ForPath(path), answer.Status, answer.Body, answer.Headers.GetValueOrDefault("content-type"));
        Xunit.Assert.True(problem is null, $"{answer.Status} on {path}: {problem}");
    }
}
