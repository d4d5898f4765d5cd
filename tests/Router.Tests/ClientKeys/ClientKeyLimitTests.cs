using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Router.Tests.Fakes;
using Router.Tests.Reload;
using static Router.Tests.Reload.FileConfiguredRouter;

namespace Router.Tests.ClientKeys;

/// <summary>Client keys of server.api_keys with models and limits: 403 outside its models, 429 with Retry-After over a limit, each in the caller's format.</summary>
public sealed class ClientKeyLimitTests
{
    private static string Config(FakeUpstream fake, string keys) => Header(extraServer: "  api_keys:\n" + keys) + "providers:\n" + OpenAi("a", fake, "k-a") + """
        models:
          routing:
            - pattern: ".*"
              providers: [a]

        """;

    /// <summary>A request in each caller format, with the key where that format's clients send it.</summary>
    private static HttpRequestMessage Request(string format, string key, string model)
    {
        var messages = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "hello" });
        var request = format switch
        {
            "openai" => new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = JsonContent.Create(new JsonObject { ["model"] = model, ["messages"] = messages }) },
            "anthropic" => new HttpRequestMessage(HttpMethod.Post, "/v1/messages") { Content = JsonContent.Create(new JsonObject { ["model"] = model, ["max_tokens"] = 50, ["messages"] = messages }) },
            _ => new HttpRequestMessage(HttpMethod.Post, $"/v1beta/models/{model}:generateContent")
            {
                Content = JsonContent.Create(new JsonObject { ["contents"] = new JsonArray(new JsonObject { ["role"] = "user", ["parts"] = new JsonArray(new JsonObject { ["text"] = "hello" }) }) }),
            },
        };
        request.Headers.Add(format switch { "openai" => "Authorization", "anthropic" => "x-api-key", _ => "x-goog-api-key" }, format == "openai" ? "Bearer " + key : key);
        if (format == "anthropic") request.Headers.Add("anthropic-version", "2023-06-01");
        return request;
    }

    /// <summary>The error type each format names: OpenAI's code, Anthropic's error.type, Gemini's status.</summary>
    private static string ErrorType(string format, JsonObject body) => format switch
    {
        "openai" => body["error"]!["code"]!.ToString(),
        "anthropic" => body["type"]!.ToString() + "/" + body["error"]!["type"]!,
        _ => body["error"]!["status"]!.ToString(),
    };

    [Theory]
    [InlineData("openai", "rate_limit_exceeded")]
    [InlineData("anthropic", "error/rate_limit_error")]
    [InlineData("gemini", "RESOURCE_EXHAUSTED")]
    public async Task Over_requests_per_minute_is_429_with_retry_after_in_the_callers_format(string format, string type)
    {
        await using var fake = await FakeUpstream.StartAsync();
        fake.DefaultReply = OpenAiWire.Text("hi");
        await using var router = await StartAsync(Config(fake, "    - { name: team, key: sk-team, limits: { requests_per_minute: 2 } }\n"));

        for (var i = 0; i < 2; i++)
            Assert.Equal(200, (int)(await router.Http.SendAsync(Request(format, "sk-team", "gpt-x"))).StatusCode);
        var refused = await router.Http.SendAsync(Request(format, "sk-team", "gpt-x"));

        Assert.Equal(429, (int)refused.StatusCode);
        Assert.InRange(int.Parse(refused.Headers.GetValues("Retry-After").Single()), 1, 60);
        var body = (await refused.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(type, ErrorType(format, body));
        Assert.Contains("requests_per_minute", body.ToJsonString());
        Assert.Equal(2, fake.Requests.Count);
    }

    [Fact]
    public async Task Over_tokens_per_day_is_429_until_midnight_utc()
    {
        await using var fake = await FakeUpstream.StartAsync();
        fake.DefaultReply = OpenAiWire.Text("hi", promptTokens: 19, completionTokens: 10);
        await using var router = await StartAsync(Config(fake, "    - { name: small, key: sk-small, limits: { tokens_per_day: 40 } }\n"));

        Assert.Equal(200, (int)(await router.Http.SendAsync(Request("openai", "sk-small", "gpt-x"))).StatusCode); // 29 of 40
        Assert.Equal(200, (int)(await router.Http.SendAsync(Request("anthropic", "sk-small", "gpt-x"))).StatusCode); // 58: spent
        var refused = await router.Http.SendAsync(Request("gemini", "sk-small", "gpt-x"));

        Assert.Equal(429, (int)refused.StatusCode);
        var untilMidnight = DateTime.UtcNow.Date.AddDays(1) - DateTime.UtcNow;
        Assert.InRange(int.Parse(refused.Headers.GetValues("Retry-After").Single()), 1, (int)Math.Ceiling(untilMidnight.TotalSeconds) + 1);
        Assert.Contains("tokens_per_day", await refused.Content.ReadAsStringAsync());
        Assert.Equal(2, fake.Requests.Count);
    }

    [Theory]
    [InlineData("openai", "permission_denied")]
    [InlineData("anthropic", "error/permission_error")]
    [InlineData("gemini", "PERMISSION_DENIED")]
    public async Task A_model_outside_the_keys_patterns_is_403_in_the_callers_format(string format, string type)
    {
        await using var fake = await FakeUpstream.StartAsync();
        fake.DefaultReply = OpenAiWire.Text("hi");
        await using var router = await StartAsync(Config(fake, "    - { name: cheap, key: sk-cheap, models: [\"gpt-*-mini\"] }\n    - sk-any\n"));

        Assert.Equal(200, (int)(await router.Http.SendAsync(Request(format, "sk-cheap", "gpt-4o-mini"))).StatusCode);
        var refused = await router.Http.SendAsync(Request(format, "sk-cheap", "gpt-4o"));

        Assert.Equal(403, (int)refused.StatusCode);
        var body = (await refused.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Contains("cheap", body.ToJsonString());
        if (format == "openai") Assert.Equal("model_not_allowed", body["error"]!["code"]!.ToString());
        else Assert.Equal(type, ErrorType(format, body));
        Assert.Equal(200, (int)(await router.Http.SendAsync(Request(format, "sk-any", "gpt-4o"))).StatusCode); // a plain key: every model
    }

    [Fact]
    public async Task The_model_list_shows_only_the_keys_models()
    {
        await using var fake = await FakeUpstream.StartAsync();
        var yaml = Config(fake, "    - { name: cheap, key: sk-cheap, models: [\"gpt-*-mini\"] }\n    - sk-any\n")
            .Replace("    api_keys: [k-a]", "    api_keys: [k-a]\n    models: [gpt-4o, gpt-4o-mini]");
        await using var router = await StartAsync(yaml);

        async Task<List<string>> Models(string key)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/models");
            request.Headers.Authorization = new("Bearer", key);
            var list = await (await router.Http.SendAsync(request)).Content.ReadFromJsonAsync<JsonObject>();
            return list!["data"]!.AsArray().Select(m => m!["id"]!.ToString()).ToList();
        }

        Assert.Equal(["gpt-4o-mini"], await Models("sk-cheap"));
        Assert.Equal(["gpt-4o", "gpt-4o-mini"], await Models("sk-any"));
    }
}
