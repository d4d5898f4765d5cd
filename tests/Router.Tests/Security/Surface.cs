namespace Router.Tests.Security;

public enum ErrorShape { OpenAi, Anthropic, Gemini }

/// <summary>Which groups a foreign browser origin may reach: never management/sign-in/relay; inference only with client keys; health always.</summary>
public enum ForeignOriginRule { AlwaysRefused, RefusedWhenOpen, Allowed }

/// <summary>One endpoint of the HTTP surface with a legitimate request and what that request gets.</summary>
/// <param name="Baseline">The status of the legitimate request; null when it may vary (a route another part provides).</param>
public sealed record Endpoint(string Name, HttpMethod Method, string Path, string? Body, ErrorShape Shape, ForeignOriginRule OriginRule, int? Baseline)
{
    public Probe Legit() => new(Method, Path, Body, Body is null ? null : "application/json");

    public override string ToString() => Name;
}

/// <summary>Every endpoint group: inference, models, health, management, sign-in and the relay path.</summary>
public static class Surface
{
    private const string Chat = """{"model":"echo-1","messages":[{"role":"user","content":"hi"}]}""";
    private const string Messages = """{"model":"echo-1","max_tokens":16,"messages":[{"role":"user","content":"hi"}]}""";
    private const string Gemini = """{"contents":[{"role":"user","parts":[{"text":"hi"}]}]}""";

    public static readonly IReadOnlyList<Endpoint> All =
    [
        new("chat", HttpMethod.Post, "/v1/chat/completions", Chat, ErrorShape.OpenAi, ForeignOriginRule.RefusedWhenOpen, 200),
        new("responses", HttpMethod.Post, "/v1/responses", """{"model":"echo-1","input":"hi"}""", ErrorShape.OpenAi, ForeignOriginRule.RefusedWhenOpen, 200),
        new("messages", HttpMethod.Post, "/v1/messages", Messages, ErrorShape.Anthropic, ForeignOriginRule.RefusedWhenOpen, 200),
        new("count_tokens", HttpMethod.Post, "/v1/messages/count_tokens", Messages, ErrorShape.Anthropic, ForeignOriginRule.RefusedWhenOpen, 200),
        new("gemini", HttpMethod.Post, "/v1beta/models/echo-1:generateContent", Gemini, ErrorShape.Gemini, ForeignOriginRule.RefusedWhenOpen, 200),
        new("gemini_v1", HttpMethod.Post, "/v1/models/echo-1:generateContent", Gemini, ErrorShape.Gemini, ForeignOriginRule.RefusedWhenOpen, 200),
        new("models", HttpMethod.Get, "/v1/models", null, ErrorShape.OpenAi, ForeignOriginRule.RefusedWhenOpen, 200),
        new("gemini_models", HttpMethod.Get, "/v1beta/models", null, ErrorShape.Gemini, ForeignOriginRule.RefusedWhenOpen, 200),
        new("health", HttpMethod.Get, "/v1/health", null, ErrorShape.OpenAi, ForeignOriginRule.Allowed, 200),
        new("management_status", HttpMethod.Get, "/v0/management/status", null, ErrorShape.OpenAi, ForeignOriginRule.AlwaysRefused, 200),
        new("management_restart", HttpMethod.Post, "/v0/management/services/echo/restart", null, ErrorShape.OpenAi, ForeignOriginRule.AlwaysRefused, 404),
        new("ctonew_store", HttpMethod.Post, "/v1/auth/ctonew", """{"clerk_jwt_cookie":"not-a-session"}""", ErrorShape.OpenAi, ForeignOriginRule.AlwaysRefused, 400),
        new("ctonew_status", HttpMethod.Get, "/v1/auth/ctonew/status", null, ErrorShape.OpenAi, ForeignOriginRule.AlwaysRefused, 200),
        new("ctonew_sign_out", HttpMethod.Delete, "/v1/auth/ctonew", null, ErrorShape.OpenAi, ForeignOriginRule.AlwaysRefused, 200),
        new("llmux_login", HttpMethod.Get, "/v1/auth/llmux/claude/login", null, ErrorShape.OpenAi, ForeignOriginRule.AlwaysRefused, 404),
        new("llmux_status", HttpMethod.Get, "/v1/auth/llmux/claude/status", null, ErrorShape.OpenAi, ForeignOriginRule.AlwaysRefused, 200),
        new("llmux_sign_out", HttpMethod.Delete, "/v1/auth/llmux/claude", null, ErrorShape.OpenAi, ForeignOriginRule.AlwaysRefused, 200),
        new("relay", HttpMethod.Get, "/v1/ws", null, ErrorShape.OpenAi, ForeignOriginRule.AlwaysRefused, null),
    ];

    public static IEnumerable<object[]> Names => All.Select(e => new object[] { e.Name });

    public static IEnumerable<object[]> WithBody => All.Where(e => e.Body is not null).Select(e => new object[] { e.Name });

    public static Endpoint Named(string name) => All.Single(e => e.Name == name);

    /// <summary>The status is the one expected and the body is an error in the endpoint's own format.</summary>
    public static void AssertError(Answer answer, ErrorShape shape, int status)
    {
        Assert.True(answer.Status == status, $"expected {status}, got {answer}");
        var error = answer.Json?["error"] as System.Text.Json.Nodes.JsonObject;
        Assert.True(error is not null, $"no error object in {answer}");
        switch (shape)
        {
            case ErrorShape.Anthropic:
                Assert.Equal("error", answer.Json!["type"]!.GetValue<string>());
                Assert.NotNull(error["type"]!.GetValue<string>());
                break;
            case ErrorShape.Gemini:
                Assert.Equal(status, error["code"]!.GetValue<int>());
                Assert.NotNull(error["status"]!.GetValue<string>());
                break;
            default:
                Assert.Null(answer.Json!["type"]);
                Assert.NotNull(error["type"]!.GetValue<string>());
                break;
        }
        Assert.False(string.IsNullOrEmpty(error["message"]!.GetValue<string>()));
    }

    /// <summary>The request got through every gate: what the endpoint itself answers to a legitimate request.</summary>
    public static void AssertServed(Answer answer, Endpoint endpoint)
    {
        if (endpoint.Baseline is { } expected)
            Assert.True(answer.Status == expected, $"{endpoint.Name}: expected {expected}, got {answer}");
        else
            Assert.True(answer.Status is not (421 or 403 or 415), $"{endpoint.Name}: refused by a gate: {answer}");
    }
}
