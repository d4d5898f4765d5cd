using System.Net;
using System.Text.Json.Nodes;
using Router.Tests.Fakes;
using static Router.Tests.Fakes.TestConfig;

namespace Router.Tests.Integration;

/// <summary>
/// A same-format upstream gets the client's own bytes (only the model's value changes, for an alias),
/// and the router's upstream client neither follows redirects nor keeps cookies between calls.
/// </summary>
public sealed class PassThroughBytesTests
{
    // Spacing, key order, an escaped character, a number no double holds exactly, a field no decoder knows.
    private const string Odd = """{ "stream" : false, "temperature":0.10000000000000000555, "messages":[{"role":"user","content":"caf\u00e9 <b>"}], "x-vendor-extra":{"a":[1, 2]}, "model" : "gpt-4.1" }""";

    private static async Task<(FakeUpstream, RouterUnderTest)> StartAsync()
    {
        var fake = await FakeUpstream.StartAsync();
        fake.DefaultReply = OpenAiWire.Text("ok");
        var router = await RouterUnderTest.StartAsync(Build([OpenAiProvider("openai-main", fake, "sk-upstream-1")], [Route("^gpt-", "openai-main")],
            aliases: new Dictionary<string, string> { ["gpt-latest"] = "gpt-4.1" }));
        return (fake, router);
    }

    [Theory]
    [InlineData("gpt-4.1")]    // the upstream's own name: every byte as the client sent it
    [InlineData("gpt-latest")] // an alias: only the model's value changes
    public async Task The_upstream_gets_the_clients_bytes(string sentModel)
    {
        var (fake, router) = await StartAsync();
        await using var _ = fake; await using var __ = router;

        var response = await router.Http.PostAsync("/v1/chat/completions", Json.Raw(Odd.Replace("\"gpt-4.1\"", $"\"{sentModel}\"")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Odd, fake.LastRequest.Text);
    }

    [Fact]
    public async Task A_model_key_written_with_an_escape_is_still_the_one_replaced()
    {
        var (fake, router) = await StartAsync();
        await using var _ = fake; await using var __ = router;
        var sent = """{"mod\u0065l":"gpt-latest","messages":[{"role":"user","content":"model"}]}""";

        var response = await router.Http.PostAsync("/v1/chat/completions", Json.Raw(sent));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"mod\u0065l":"gpt-4.1","messages":[{"role":"user","content":"model"}]}""", fake.LastRequest.Text);
    }

    [Fact]
    public async Task A_body_too_large_to_keep_as_sent_is_written_from_its_parse_with_the_upstream_model()
    {
        var (fake, router) = await StartAsync();
        await using var _ = fake; await using var __ = router;
        var text = new string((char)120, 100_000);

        var response = await router.Http.PostAsync("/v1/chat/completions", Json.Body("gpt-latest", text: text));

        var answer = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, answer);
        Assert.Equal("gpt-4.1", fake.LastRequest.Body!["model"]!.GetValue<string>());
        Assert.Equal(text, fake.LastRequest.Body["messages"]![0]!["content"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_cookie_an_upstream_sets_is_never_sent_back()
    {
        var (fake, router) = await StartAsync();
        await using var _ = fake; await using var __ = router;
        fake.Then(async (c, body) =>
        {
            c.Response.Headers.SetCookie = "session=abc; Path=/";
            await OpenAiWire.Text("first")(c, body);
        });

        Assert.Equal(HttpStatusCode.OK, (await router.Http.PostAsync("/v1/chat/completions", Json.Body("gpt-4.1"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await router.Http.PostAsync("/v1/chat/completions", Json.Body("gpt-4.1"))).StatusCode);

        Assert.Equal(2, fake.Requests.Count);
        Assert.All(fake.Requests, r => Assert.False(r.Headers.ContainsKey("cookie")));
    }

    [Fact]
    public async Task A_redirect_is_not_followed_with_the_clients_body()
    {
        await using var elsewhere = await FakeUpstream.StartAsync();
        elsewhere.DefaultReply = OpenAiWire.Text("elsewhere");
        var (fake, router) = await StartAsync();
        await using var _ = fake; await using var __ = router;
        fake.DefaultReply = WireReplies.Json(307, "{}", new Dictionary<string, string> { ["Location"] = elsewhere.BaseUrl + "/v1/chat/completions" });

        var response = await router.Http.PostAsync("/v1/chat/completions", Json.Body("gpt-4.1"));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("307", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["message"]!.GetValue<string>());
        Assert.Empty(elsewhere.Requests);
    }
}
