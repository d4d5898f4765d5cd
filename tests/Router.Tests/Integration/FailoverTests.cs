using System.Net;
using System.Text.Json.Nodes;
using OpenAI.Chat;
using Router.Tests.Fakes;
using static Router.Tests.Fakes.TestConfig;

namespace Router.Tests.Integration;

/// <summary>The failover rules of docs/configuration.md, against fakes that fail the way vendors do.</summary>
public sealed class FailoverTests
{
    private sealed class Setup : IAsyncDisposable
    {
        public required FakeUpstream Primary { get; init; }
        public required FakeUpstream Backup { get; init; }
        public required RouterUnderTest Router { get; init; }

        public async ValueTask DisposeAsync()
        {
            await Router.DisposeAsync();
            await Primary.DisposeAsync();
            await Backup.DisposeAsync();
        }
    }

    /// <summary>Primary: OpenAI format, keys as given. Backup: Anthropic format, one key.</summary>
    private static async Task<Setup> StartAsync(string[]? primaryKeys = null, int timeoutSeconds = 10, string? authDir = null)
    {
        var primary = await FakeUpstream.StartAsync();
        var backup = await FakeUpstream.StartAsync();
        backup.DefaultReply = AnthropicWire.Text("from backup");
        var router = await RouterUnderTest.StartAsync(Build(
            [OpenAiProvider("primary", primary, primaryKeys ?? ["sk-p1"]) with { Timeout = timeoutSeconds }, AnthropicProvider("backup", backup, "sk-b1")],
            [Route("^gpt-", "primary", "backup")], authDir));
        return new Setup { Primary = primary, Backup = backup, Router = router };
    }

    private static async Task<string> AskAsync(RouterUnderTest router) =>
        (await Sdk.Chat(router, "gpt-4.1").CompleteChatAsync([new UserChatMessage("Hi")])).Value.Content[0].Text;

    [Fact]
    public async Task A_5xx_fails_over_to_the_next_provider()
    {
        await using var s = await StartAsync();
        s.Primary.DefaultReply = OpenAiWire.ServerError;

        Assert.Equal("from backup", await AskAsync(s.Router));
        Assert.Single(s.Primary.Requests);
        Assert.Single(s.Backup.Requests);
    }

    [Fact]
    public async Task Repeated_5xx_marks_the_account_degraded_and_a_success_heals_it()
    {
        await using var s = await StartAsync();
        s.Primary.Then(OpenAiWire.ServerError, OpenAiWire.ServerError, OpenAiWire.ServerError);
        s.Primary.DefaultReply = OpenAiWire.Text("primary again");

        for (var i = 0; i < 3; i++) Assert.Equal("from backup", await AskAsync(s.Router));
        await RouterUnderTest.EventuallyAsync(async () => await s.Router.ProviderHealthAsync("primary") == "degraded", "primary degraded");

        // A degraded account is still tried when it is the only one; its success heals it.
        Assert.Equal("primary again", await AskAsync(s.Router));
        await RouterUnderTest.EventuallyAsync(async () => await s.Router.ProviderHealthAsync("primary") == "healthy", "primary healthy again");
    }

    [Fact]
    public async Task A_429_cools_the_account_down_for_Retry_After_and_the_next_account_takes_over()
    {
        await using var s = await StartAsync(["sk-p1", "sk-p2"]);
        s.Primary.Authorize = c => OpenAiWire.HasKey(c, "sk-p1") || OpenAiWire.HasKey(c, "sk-p2");
        s.Primary.Then(OpenAiWire.RateLimited(120));
        s.Primary.DefaultReply = (c, b) => OpenAiWire.Text("served by " + c.Request.Headers.Authorization.ToString()[7..])(c, b);

        var first = await AskAsync(s.Router);
        var limitedKey = s.Primary.Requests.First().Headers["authorization"][7..];
        var otherKey = limitedKey == "sk-p1" ? "sk-p2" : "sk-p1";
        Assert.Equal("served by " + otherKey, first);

        // The limited account rests: every following call goes to the other one.
        for (var i = 0; i < 4; i++) Assert.Equal("served by " + otherKey, await AskAsync(s.Router));
        Assert.Empty(s.Backup.Requests);
    }

    [Fact]
    public async Task When_every_account_is_cooling_down_the_client_gets_429_with_Retry_After()
    {
        var primary = await FakeUpstream.StartAsync();
        await using var _ = primary;
        primary.DefaultReply = OpenAiWire.RateLimited(30);
        await using var router = await RouterUnderTest.StartAsync(Build([OpenAiProvider("primary", primary, "sk-p1")], [Route("^gpt-", "primary")]));

        var first = await router.Http.PostAsync("/v1/chat/completions", Json.Body("gpt-4.1"));
        var second = await router.Http.PostAsync("/v1/chat/completions", Json.Body("gpt-4.1"));

        foreach (var response in new[] { first, second })
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
            Assert.True(response.Headers.RetryAfter?.Delta?.TotalSeconds is > 0 and <= 30);
            Assert.Equal("rate_limit_error", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["type"]!.GetValue<string>());
        }
        Assert.Single(primary.Requests); // the second call never reached the resting account
        Assert.Equal("degraded", await router.ProviderHealthAsync("primary"));
    }

    [Fact]
    public async Task A_refused_key_marks_the_account_unauthenticated_and_routing_moves_on()
    {
        await using var s = await StartAsync(["sk-revoked"]);
        s.Primary.Authorize = c => OpenAiWire.HasKey(c, "sk-good");
        s.Primary.Unauthorized = OpenAiWire.InvalidKey;

        Assert.Equal("from backup", await AskAsync(s.Router));
        await RouterUnderTest.EventuallyAsync(async () => await s.Router.ProviderHealthAsync("primary") == "unauthenticated", "primary unauthenticated");
        Assert.Equal("from backup", await AskAsync(s.Router));
        Assert.Single(s.Primary.Requests); // skipped once known bad
    }

    [Fact]
    public async Task A_timeout_fails_over()
    {
        await using var s = await StartAsync(timeoutSeconds: 1);
        s.Primary.DefaultReply = WireReplies.Hang;

        Assert.Equal("from backup", await AskAsync(s.Router));
    }

    [Fact]
    public async Task A_connection_error_fails_over()
    {
        await using var s = await StartAsync();
        s.Primary.DefaultReply = WireReplies.Drop;

        Assert.Equal("from backup", await AskAsync(s.Router));
    }

    [Fact]
    public async Task A_stream_that_fails_before_its_first_byte_fails_over()
    {
        await using var s = await StartAsync();
        s.Primary.DefaultReply = WireReplies.Sse([], abortAtEnd: true);
        s.Backup.DefaultReply = AnthropicWire.StreamText(["backup ", "stream"]);

        var (text, _) = await Sdk.StreamAsync(Sdk.Chat(s.Router, "gpt-4.1"), [new UserChatMessage("Hi")]);

        Assert.Equal("backup stream", text);
    }

    [Fact]
    public async Task Nothing_fails_over_after_the_first_byte_the_stream_ends_with_an_error_event()
    {
        await using var s = await StartAsync();
        s.Primary.DefaultReply = OpenAiWire.StreamText(["partial ", "answer"], breakBeforeEnd: true);

        var response = await s.Router.Http.SendAsync(
            new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json.Body("gpt-4.1", stream: true) },
            HttpCompletionOption.ResponseHeadersRead);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Contains("partial ", body);
        Assert.Contains("\"error\"", body);
        Assert.DoesNotContain("[DONE]", body);
        Assert.Empty(s.Backup.Requests);
    }

    [Fact]
    public async Task A_translated_stream_that_breaks_midway_ends_with_an_error_event_in_the_clients_format()
    {
        var anthropic = await FakeUpstream.StartAsync();
        await using var _ = anthropic;
        anthropic.DefaultReply = AnthropicWire.StreamThenError("Hello");
        await using var router = await RouterUnderTest.StartAsync(Build([AnthropicProvider("a", anthropic, "k")], [Route("^claude", "a")]));

        var raw = await (await router.Http.PostAsync("/v1/chat/completions", Json.Body("claude-x", stream: true))).Content.ReadAsStringAsync();
        Assert.Contains("\"content\":\"Hello\"", raw);
        Assert.Contains("data: {\"error\":{\"message\":\"Overloaded\"", raw);
        Assert.DoesNotContain("[DONE]", raw);
        Assert.Single(anthropic.Requests);
    }

    [Fact]
    public async Task A_client_that_disconnects_cancels_the_upstream_call()
    {
        await using var s = await StartAsync();
        var upstreamCancelled = new TaskCompletionSource();
        s.Primary.DefaultReply = async (c, b) =>
        {
            c.RequestAborted.Register(() => upstreamCancelled.TrySetResult());
            await OpenAiWire.StreamText(Enumerable.Repeat("tick ", 200), pause: TimeSpan.FromMilliseconds(100))(c, b);
        };

        // A client that hangs up: no draining of the rest of the answer (HttpClient would read on for 2 s).
        using (var client = new HttpClient(new SocketsHttpHandler { MaxResponseDrainSize = 0 }) { BaseAddress = new Uri(s.Router.BaseUrl) })
        using (var cts = new CancellationTokenSource())
        {
            var response = await client.SendAsync(
                new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json.Body("gpt-4.1", stream: true) },
                HttpCompletionOption.ResponseHeadersRead, cts.Token);
            var stream = await response.Content.ReadAsStreamAsync(cts.Token);
            await stream.ReadAtLeastAsync(new byte[64], 1, cancellationToken: cts.Token);
            response.Dispose(); // the client hangs up mid-stream
        }
        var hungUp = System.Diagnostics.Stopwatch.StartNew();

        await upstreamCancelled.Task.WaitAsync(TimeSpan.FromSeconds(3));
        Assert.True(hungUp.Elapsed < TimeSpan.FromSeconds(1), $"upstream cancelled {hungUp.ElapsedMilliseconds} ms after the client left");
        Assert.Empty(s.Backup.Requests);
    }
}
