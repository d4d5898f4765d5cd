using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Router.Tests.Fakes;
using static Router.Tests.Fakes.TestConfig;

namespace Router.Tests.Integration;

/// <summary>Token counts: the upstream's own count endpoint where it has one, the documented estimate otherwise.</summary>
public sealed class TokenCountTests
{
    private static async Task<JsonObject> PostAsync(RouterUnderTest router, string path, string json)
    {
        var response = await router.Http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return (JsonObject)JsonNode.Parse(text)!;
    }

    [Fact]
    public async Task Anthropic_count_tokens_uses_the_anthropic_upstream_count_endpoint()
    {
        var fake = await FakeUpstream.StartAsync();
        await using var _ = fake;
        fake.DefaultReply = WireReplies.Json(200, """{"input_tokens":1234}""");
        await using var router = await RouterUnderTest.StartAsync(Build([AnthropicProvider("a", fake, "sk-a")], [Route("^claude", "a")]));

        var answer = await PostAsync(router, "/v1/messages/count_tokens",
            """{"model":"claude-x","system":"Be brief.","messages":[{"role":"user","content":"Hello"}]}""");

        Assert.Equal(1234, answer["input_tokens"]!.GetValue<int>());
        var sent = fake.LastRequest;
        Assert.Equal("/v1/messages/count_tokens", sent.Path);
        Assert.Equal("sk-a", sent.Headers["x-api-key"]);
        Assert.Null(sent.Body!["max_tokens"]); // the count endpoint refuses fields it does not know
        Assert.Equal("Be brief.", sent.Body["system"]!.GetValue<string>());
    }

    [Fact]
    public async Task Gemini_count_tokens_uses_the_gemini_upstream_count_endpoint()
    {
        var fake = await FakeUpstream.StartAsync();
        await using var _ = fake;
        fake.DefaultReply = WireReplies.Json(200, """{"totalTokens":77}""");
        await using var router = await RouterUnderTest.StartAsync(Build(
            [new Router.Actors.Configuration.ProviderConfig { Name = "g", Type = "gemini", BaseUrl = fake.BaseUrl, ApiKeys = ["k-g"] }], [Route("^gemini", "g")]));

        var answer = await PostAsync(router, "/v1beta/models/gemini-x:countTokens", """{"contents":[{"role":"user","parts":[{"text":"Hello"}]}]}""");

        Assert.Equal(77, answer["totalTokens"]!.GetValue<int>());
        Assert.Equal("/v1beta/models/gemini-x:countTokens", fake.LastRequest.Path);
        Assert.Equal("models/gemini-x", fake.LastRequest.Body!["generateContentRequest"]!["model"]!.GetValue<string>());
    }

    [Fact]
    public async Task Without_a_count_endpoint_the_count_is_the_local_estimate()
    {
        var fake = await FakeUpstream.StartAsync();
        await using var _ = fake;
        await using var router = await RouterUnderTest.StartAsync(Build([OpenAiProvider("o", fake, "sk-o")], [Route("^gpt", "o")]));

        var shortCount = (await PostAsync(router, "/v1/messages/count_tokens", """{"model":"gpt-x","messages":[{"role":"user","content":"Hi"}]}"""))["input_tokens"]!.GetValue<int>();
        var longCount = (await PostAsync(router, "/v1/messages/count_tokens",
            "{\"model\":\"gpt-x\",\"messages\":[{\"role\":\"user\",\"content\":\"" + string.Join(' ', Enumerable.Repeat("tokens", 200)) + "\"}]}"))["input_tokens"]!.GetValue<int>();

        Assert.Empty(fake.Requests); // OpenAI has no count endpoint: nothing went upstream
        Assert.InRange(shortCount, 5, 15);
        Assert.InRange(longCount - shortCount, 180, 220);
    }
}
