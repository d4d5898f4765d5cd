using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json.Nodes;
using Router.Actors.Configuration;
using Router.Tests.Fakes;
using Router.Tests.Integration;
using static Router.Tests.Fakes.TestConfig;

namespace Router.Tests.Faults;

/// <summary>Faults reproduced on the request path before it was rebuilt; each test failed then.</summary>
public sealed class ReproducedFaultTests
{
    private const string PrimaryKey = "sk-primary-must-not-leak-4242";

    private static async Task<JsonObject> ManagementStatusAsync(RouterUnderTest router) =>
        (await router.Http.GetFromJsonAsync<JsonObject>("/v0/management/status"))!;

    private static async Task<IReadOnlyList<JsonObject>> AccountsAsync(RouterUnderTest router, string provider) =>
        ((await ManagementStatusAsync(router))["providers"]!.AsArray().OfType<JsonObject>()
            .Single(p => p["name"]!.GetValue<string>() == provider)["accounts"] as JsonArray ?? []).OfType<JsonObject>().ToList();

    private static async Task<bool> NothingInFlightAsync(RouterUnderTest router, string provider) =>
        (await AccountsAsync(router, provider)).All(a => a["in_flight"]!.GetValue<int>() == 0);

    /// <summary>Item 1: an upstream that sends its headers and then resets (an IOException, not an HttpRequestException) fails over.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Headers_then_a_reset_before_the_first_byte_fails_over_and_returns_the_lease(bool stream)
    {
        await using var primary = await FakeUpstream.StartAsync();
        await using var backup = await FakeUpstream.StartAsync();
        primary.DefaultReply = WireReplies.HeadersThenDrop(stream ? "text/event-stream" : "application/json");
        backup.DefaultReply = stream ? AnthropicWire.StreamText(["from ", "backup"]) : AnthropicWire.Text("from backup");
        await using var router = await RouterUnderTest.StartAsync(Build(
            [OpenAiProvider("primary", primary, PrimaryKey) with { MaxInFlight = 1 }, AnthropicProvider("backup", backup, "sk-b")],
            [Route("^gpt-", "primary", "backup"), Route("^solo-", "primary")]));

        var failedOver = await ClientView.ReadAsync(await router.Http.PostAsync("/v1/chat/completions", Json.Body("gpt-4.1", stream)));
        var alone = await ClientView.ReadAsync(await router.Http.PostAsync("/v1/chat/completions", Json.Body("solo-1", stream)));

        Assert.Equal((200, "from backup"), (failedOver.Status, failedOver.Text));
        Assert.Equal(502, alone.Status);
        Assert.Contains("connection broke", alone.Body);
        // max_in_flight 1: a lease left behind would block this account.
        await RouterUnderTest.EventuallyAsync(() => NothingInFlightAsync(router, "primary"), "the primary's lease returned");
    }

    /// <summary>
    /// A whole answer read at its declared Content-Length (UpstreamBody) that breaks off before it: the
    /// read fails instead of waiting for bytes that never come, and the request fails over.
    /// </summary>
    [Fact]
    public async Task A_whole_answer_cut_short_of_its_content_length_fails_over_and_returns_the_lease()
    {
        await using var primary = await FakeUpstream.StartAsync();
        await using var backup = await FakeUpstream.StartAsync();
        primary.DefaultReply = WireReplies.DeclaredLengthThenDrop("""{"id":"chatcmpl-1","choices":[""", declared: 400);
        backup.DefaultReply = OpenAiWire.Text("from backup");
        await using var router = await RouterUnderTest.StartAsync(Build(
            [OpenAiProvider("primary", primary, PrimaryKey) with { MaxInFlight = 1 }, OpenAiProvider("backup", backup, "sk-b")],
            [Route("^gpt-", "primary", "backup"), Route("^solo-", "primary")]));

        var failedOver = await ClientView.ReadAsync(await router.Http.PostAsync("/v1/chat/completions", Json.Body("gpt-4.1")));
        var alone = await ClientView.ReadAsync(await router.Http.PostAsync("/v1/chat/completions", Json.Body("solo-1")));

        Assert.Equal((200, "from backup"), (failedOver.Status, failedOver.Text));
        Assert.Equal(502, alone.Status);
        Assert.DoesNotContain(PrimaryKey, alone.Body);
        await RouterUnderTest.EventuallyAsync(() => NothingInFlightAsync(router, "primary"), "the primary's lease returned");
    }

    /// <summary>
    /// Item 2: two token accounts whose token server is slower than the provider's timeout. The request
    /// goes to the backup within the primary's time (no 500), and the accounts, once their renewals end,
    /// grant nothing to the request that stopped waiting (its deadline has passed) and hold no slot for it.
    /// </summary>
    [Fact]
    public async Task Slow_token_accounts_cost_the_primary_its_timeout_and_grant_nothing_late()
    {
        await using var clerk = await FakeClerk.StartAsync();
        await using var engineLabs = await FakeUpstream.StartAsync();
        await using var backup = await FakeUpstream.StartAsync();
        engineLabs.DefaultReply = OpenAiWire.Text("from ctonew");
        backup.DefaultReply = OpenAiWire.Text("from backup");
        await using var router = await RouterUnderTest.StartAsync(Build(
            [
                new ProviderConfig { Name = "ctonew", Type = "ctonew", BaseUrl = engineLabs.BaseUrl, Timeout = 2, Clerk = clerk.Config(clerk.Cookie) },
                OpenAiProvider("backup", backup, "sk-b"),
            ],
            [Route("^gpt-", "ctonew", "backup")]));
        var secondSession = FakeOAuthServer.UnsignedJwt(new JsonObject { ["sid"] = "sess_test2", ["rotating_token"] = clerk.RotatingToken, ["iss"] = "https://clerk.example" });
        Assert.True((await router.Http.PostAsync("/v1/auth/ctonew", JsonContent.Create(new { clerk_jwt_cookie = secondSession }))).IsSuccessStatusCode);
        await RouterUnderTest.EventuallyAsync(async () => (await AccountsAsync(router, "ctonew")).Count == 2, "two ctonew accounts");
        clerk.Delay = TimeSpan.FromSeconds(4);

        var started = System.Diagnostics.Stopwatch.StartNew();
        var view = await ClientView.ReadAsync(await router.Http.PostAsync("/v1/chat/completions", Json.Body("gpt-5")));

        Assert.Equal((200, "from backup"), (view.Status, view.Text));
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(4), $"answered after {started.ElapsedMilliseconds} ms");
        // Both renewals finish later; the requests that waited on them are past their deadline by then, so
        // no account grants them (nor holds a slot for them).
        await RouterUnderTest.EventuallyAsync(() => Task.FromResult(clerk.Exchanges >= 2), "both renewals finished", 10_000);
        await RouterUnderTest.EventuallyAsync(async () =>
            (await AccountsAsync(router, "ctonew")).All(a => a["in_flight"]!.GetValue<int>() == 0), "no slot held for the gone request", 10_000);
        Assert.Empty(engineLabs.Requests);
    }

    /// <summary>Item 6: a vendor that echoes the Authorization header in its errors never hands the router's key to a client.</summary>
    [Fact]
    public async Task Upstream_error_bodies_reach_the_client_with_the_credential_masked()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.DefaultReply = FaultCase.EchoingError(400, "invalid_request_error");
        await using var router = await RouterUnderTest.StartAsync(Build([OpenAiProvider("vendor", upstream, PrimaryKey)], [Route("^gpt-", "vendor")]));

        var plain = await router.Http.PostAsync("/v1/chat/completions", Json.Body("gpt-4.1"));
        var streamed = await router.Http.PostAsync("/v1/chat/completions", Json.Body("gpt-4.1", stream: true));
        var translated = await router.Http.PostAsync("/v1/messages", Json.Raw("""{"model":"gpt-4.1","max_tokens":16,"messages":[{"role":"user","content":"Hi"}]}"""));

        foreach (var response in new[] { plain, streamed, translated })
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.Equal(400, (int)response.StatusCode);
            Assert.DoesNotContain(PrimaryKey, body);
            Assert.Contains("Bearer ***", body);
        }
    }

    /// <summary>Item 6, streamed: an error event in the middle of a stream is masked too, relayed or translated.</summary>
    [Fact]
    public async Task An_error_event_in_a_stream_reaches_the_client_with_the_credential_masked()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.DefaultReply = (c, b) => WireReplies.Sse(
        [
            WireReplies.Frame("""{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"Hel"},"finish_reason":null}]}"""),
            WireReplies.Frame(new JsonObject { ["error"] = new JsonObject { ["message"] = "quota exceeded for " + c.Request.Headers.Authorization, ["type"] = "server_error" } }.ToJsonString()),
        ])(c, b);
        await using var router = await RouterUnderTest.StartAsync(Build([OpenAiProvider("vendor", upstream, PrimaryKey)], [Route("^gpt-", "vendor")]));

        var relayed = await (await router.Http.PostAsync("/v1/chat/completions", Json.Body("gpt-4.1", stream: true))).Content.ReadAsStringAsync();
        var translated = await (await router.Http.PostAsync("/v1/messages",
            Json.Raw("""{"model":"gpt-4.1","max_tokens":16,"stream":true,"messages":[{"role":"user","content":"Hi"}]}"""))).Content.ReadAsStringAsync();

        foreach (var body in new[] { relayed, translated })
        {
            Assert.Contains("Hel", body);
            Assert.DoesNotContain(PrimaryKey, body);
            Assert.Contains("Bearer ***", body);
        }
    }

    /// <summary>Item 8: an upstream error event in a Gemini or Responses stream reaches the client as exactly one error event.</summary>
    [Theory]
    [InlineData("gemini")]
    [InlineData("openai-responses")]
    public async Task An_upstream_error_event_ends_the_stream_with_one_error_event(string type)
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.DefaultReply = type == "gemini" ? GeminiWire.StreamThenError("Hello") : ResponsesWire.StreamThenError("Hello");
        var provider = new ProviderConfig { Name = "vendor", Type = type, BaseUrl = type == "gemini" ? upstream.BaseUrl : upstream.BaseUrl + "/v1", ApiKeys = ["k-vendor"], Timeout = 10 };
        await using var router = await RouterUnderTest.StartAsync(Build([provider], [Route("^m-", "vendor")]));

        var view = await ClientView.ReadAsync(await router.Http.PostAsync("/v1/chat/completions", Json.Body("m-1", stream: true)));

        Assert.Equal(200, view.Status);
        Assert.Equal("Hello", view.Text);
        Assert.Equal(1, view.ErrorEvents);
        Assert.False(view.Done);
    }

    /// <summary>Item 8: the frame that reports a broken transport comes from the stream's own encoder: Responses' sequence_number goes on counting.</summary>
    [Fact]
    public async Task A_transport_failure_in_a_Responses_stream_continues_its_sequence_numbers()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.DefaultReply = OpenAiWire.StreamText(["partial ", "answer"], breakBeforeEnd: true);
        await using var router = await RouterUnderTest.StartAsync(Build([OpenAiProvider("vendor", upstream, "k")], [Route("^gpt-", "vendor")]));

        var body = await (await router.Http.PostAsync("/v1/responses", Json.Raw("""{"model":"gpt-4.1","stream":true,"input":"Hi"}"""))).Content.ReadAsStringAsync();
        var events = SseParser.Create(new MemoryStream(Encoding.UTF8.GetBytes(body))).Enumerate()
            .Select(e => (Type: e.EventType, Data: JsonNode.Parse(e.Data)!.AsObject())).ToList();

        Assert.Equal("error", events[^1].Type);
        Assert.Single(events, e => e.Type == "error");
        Assert.Equal(Enumerable.Range(0, events.Count), events.Select(e => e.Data["sequence_number"]!.GetValue<int>()));
    }
}
