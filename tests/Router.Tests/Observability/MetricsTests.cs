using System.Net;
using System.Net.Http.Headers;
using Router.Actors.Configuration;
using Router.Actors.Telemetry;
using Router.Tests.Fakes;
using Router.Tests.Integration;
using static Router.Tests.Fakes.TestConfig;
using static Router.Tests.Observability.PrometheusText;

namespace Router.Tests.Observability;

/// <summary>
/// GET /metrics through the real router: who may read it, and what a whole answer, a translated
/// stream and a failover leave in it. Names carry a random suffix: the Meter is process-wide and
/// other tests' routers record into it at the same time.
/// </summary>
public sealed class MetricsTests
{
    private const string ManagementKey = "mk-metrics-test";
    private const string ClientKey = "sk-client-metrics";

    private static RouterConfig Guarded(RouterConfig config, bool open = false) => config with
    {
        Server = config.Server with { ManagementKey = ManagementKey },
        Metrics = new MetricsConfig { Public = open },
    };

    private static async Task<string> ScrapeAsync(RouterUnderTest router)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Add("X-Management-Key", ManagementKey);
        using var response = await router.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadAsStringAsync();
    }

    private static async Task<HttpResponseMessage> PostAsync(RouterUnderTest router, string path, HttpContent body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = body };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ClientKey);
        request.Headers.Add("anthropic-version", "2023-06-01");
        var response = await router.Http.SendAsync(request);
        await response.Content.ReadAsStringAsync(); // the whole answer, stream included
        return response;
    }

    [Fact]
    public async Task Metrics_need_the_management_key_unless_they_are_public()
    {
        await using var fake = await FakeUpstream.StartAsync();
        await using (var router = await RouterUnderTest.StartAsync(Guarded(Build([OpenAiProvider("p", fake, "sk-1")], [Route("^gpt-", "p")]))))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await router.Http.GetAsync("/metrics")).StatusCode);
            using var wrong = new HttpRequestMessage(HttpMethod.Get, "/metrics");
            wrong.Headers.Add("X-Management-Key", "not-it");
            Assert.Equal(HttpStatusCode.Unauthorized, (await router.Http.SendAsync(wrong)).StatusCode);
            Assert.Contains("router_account_health", await ScrapeAsync(router));
        }
        await using (var open = await RouterUnderTest.StartAsync(Guarded(Build([OpenAiProvider("p", fake, "sk-1")], [Route("^gpt-", "p")]), open: true)))
        {
            var response = await open.Http.GetAsync("/metrics");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("# TYPE router_account_health gauge", await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task A_whole_answer_a_translated_stream_and_a_failover_are_counted_with_their_labels()
    {
        var id = Guid.NewGuid().ToString("N")[..6];
        string bad = "bad" + id, good = "good" + id, model = "mx" + id + "-1";
        await using var failing = await FakeUpstream.StartAsync();
        failing.DefaultReply = OpenAiWire.ServerError;
        await using var working = await FakeUpstream.StartAsync();
        working.DefaultReply = OpenAiWire.Text("hello", promptTokens: 19, completionTokens: 10);
        var config = Guarded(Build([OpenAiProvider(bad, failing, "sk-up-1"), OpenAiProvider(good, working, "sk-up-2")],
            [Route("^mx" + id, bad, good)], clientKeys: [ClientKey]));
        await using var router = await RouterUnderTest.StartAsync(config);

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(router, "/v1/chat/completions", Json.Body(model))).StatusCode);
        working.Then(OpenAiWire.StreamText(["a", "b", "c"]));
        var stream = await PostAsync(router, "/v1/messages",
            Json.Raw($$"""{"model":"{{model}}","max_tokens":50,"stream":true,"messages":[{"role":"user","content":"Hi"}]}"""));
        Assert.Equal(HttpStatusCode.OK, stream.StatusCode);

        var keyName = ClientKeyName.Derive(ClientKey);
        string text = "";
        await RouterUnderTest.EventuallyAsync(async () =>
        {
            text = await ScrapeAsync(router);
            return Value(text, "router_requests_total", ("provider", good)) == 2;
        }, "both requests counted");

        Assert.Equal(1, Value(text, "router_requests_total", ("format", "openai-chat"), ("provider", good), ("model", model), ("status", "200")));
        Assert.Equal(1, Value(text, "router_requests_total", ("format", "anthropic"), ("provider", good), ("model", model), ("status", "200")));
        Assert.Equal(1, Value(text, "router_answer_duration_seconds_count", ("provider", good), ("model", model)));
        Assert.Equal(1, Value(text, "router_stream_time_to_first_token_seconds_count", ("format", "anthropic"), ("provider", good)));
        Assert.Equal(1, Value(text, "router_stream_time_to_last_token_seconds_count", ("format", "anthropic"), ("provider", good)));
        Assert.Equal(38, Value(text, "router_tokens_input_total", ("provider", good), ("model", model), ("key", keyName)));
        Assert.Equal(20, Value(text, "router_tokens_output_total", ("provider", good), ("model", model), ("key", keyName)));
        // The failing account may rest after its first 500, so the second request may skip it.
        var failovers = Value(text, "router_failovers_total", ("provider", bad), ("reason", "status"));
        Assert.InRange(failovers ?? 0, 1, 2);
        Assert.Equal(failovers, Value(text, "router_upstream_attempts_total", ("provider", bad), ("outcome", "transient")));
        Assert.Equal(2, Value(text, "router_upstream_attempts_total", ("provider", good), ("outcome", "success")));
        Assert.Equal(0, Value(text, "router_upstream_in_flight", ("provider", good)));
        Assert.Equal(2, Value(text, "router_account_health", ("provider", good), ("account", good + "#1")));
        Assert.NotNull(Value(text, "router_account_cooldown_seconds", ("provider", bad)));
        Assert.DoesNotContain(ClientKey, text);
        Assert.DoesNotContain("sk-up-", text);
    }

    [Fact]
    public async Task A_rate_limited_account_shows_its_cooldown_and_an_unknown_model_adds_no_series()
    {
        var id = Guid.NewGuid().ToString("N")[..6];
        string name = "rl" + id;
        await using var fake = await FakeUpstream.StartAsync();
        fake.DefaultReply = OpenAiWire.RateLimited(120);
        await using var router = await RouterUnderTest.StartAsync(Guarded(Build([OpenAiProvider(name, fake, "sk-up")], [Route("^rl" + id, name)])));

        await router.Http.PostAsync("/v1/chat/completions", Json.Body("rl" + id + "-x"));
        await router.Http.PostAsync("/v1/chat/completions", Json.Body("made-up-" + id));
        string text = "";
        await RouterUnderTest.EventuallyAsync(async () =>
        {
            text = await ScrapeAsync(router);
            return Value(text, "router_account_cooldown_seconds", ("provider", name)) > 60;
        }, "the cooldown gauge");
        Assert.Equal(1, Value(text, "router_upstream_attempts_total", ("provider", name), ("outcome", "rate_limited")));
        Assert.DoesNotContain("made-up-" + id, text);
    }

    [Fact]
    public void Relay_workers_are_counted_per_provider()
    {
        var provider = "relay" + Guid.NewGuid().ToString("N")[..6];
        RelayWorkers.Connected(provider);
        RelayWorkers.Connected(provider);
        RelayWorkers.Disconnected(provider);
        Assert.Equal(1, RelayWorkers.Count(provider));
        RelayWorkers.Disconnected(provider);
        RelayWorkers.Disconnected(provider);
        Assert.Equal(0, RelayWorkers.Count(provider));
    }
}
