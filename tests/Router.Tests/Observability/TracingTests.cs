using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using Router.Actors.Configuration;
using Router.Tests.Fakes;
using Router.Tests.Integration;
using static Router.Tests.Fakes.TestConfig;

namespace Router.Tests.Observability;

/// <summary>
/// Traces leave by OTLP/HTTP to telemetry.otlp_endpoint (here a loopback collector that keeps each
/// protobuf body): one router.request span with a router.attempt child per attempt, naming
/// providers and accounts and never the prompt, a client key or an upstream key.
/// </summary>
public sealed class TracingTests
{
    private sealed class FakeCollector : IAsyncDisposable
    {
        private readonly WebApplication _app;
        public ConcurrentQueue<(string Path, string ContentType, byte[] Body)> Posts { get; } = new();
        public string BaseUrl { get; }

        private FakeCollector(WebApplication app, Uri address)
        {
            _app = app;
            BaseUrl = address.ToString().TrimEnd('/');
        }

        public static async Task<FakeCollector> StartAsync()
        {
            FakeCollector? collector = null;
            var (app, address) = await Loopback.StartAsync(async context =>
            {
                using var body = new MemoryStream();
                await context.Request.Body.CopyToAsync(body);
                collector!.Posts.Enqueue((context.Request.Path, context.Request.ContentType ?? "", body.ToArray()));
                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/x-protobuf";
            });
            collector = new FakeCollector(app, address);
            return collector;
        }

        /// <summary>Every body received, as text: protobuf keeps strings as UTF-8 bytes, so names and values are searchable.</summary>
        public string All => string.Join("\n", Posts.Select(p => Encoding.UTF8.GetString(p.Body)));

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_request_and_its_attempts_are_exported_without_secrets()
    {
        var id = Guid.NewGuid().ToString("N")[..6];
        string bad = "tbad" + id, good = "tgood" + id;
        const string prompt = "PROMPT-that-must-not-leave";
        const string clientKey = "sk-client-trace-secret";
        await using var collector = await FakeCollector.StartAsync();
        await using var failing = await FakeUpstream.StartAsync();
        failing.DefaultReply = OpenAiWire.ServerError;
        await using var working = await FakeUpstream.StartAsync();
        working.DefaultReply = OpenAiWire.Text("ANSWER-that-must-not-leave");
        var config = Build([OpenAiProvider(bad, failing, "sk-upstream-secret-1"), OpenAiProvider(good, working, "sk-upstream-secret-2")],
            [Route("^t" + id, bad, good)], clientKeys: [clientKey]);
        config = config with { Telemetry = new TelemetryConfig { OtlpEndpoint = collector.BaseUrl } };

        await using (var router = await RouterUnderTest.StartAsync(config))
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json.Body("t" + id + "-m", text: prompt) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", clientKey);
            Assert.Equal(HttpStatusCode.OK, (await router.Http.SendAsync(request)).StatusCode);
            Assert.NotNull(router.Services.GetService<TracerProvider>());
            Assert.True(router.Services.GetRequiredService<TracerProvider>().ForceFlush(10000), "the exporter did not flush");
        }

        await RouterUnderTest.EventuallyAsync(() => Task.FromResult(collector.All.Contains(good + "#1")),
            $"the spans of this request ({collector.Posts.Count} posts: {string.Join(", ", collector.Posts.Select(p => p.Path + " " + p.Body.Length))})", 15000);
        Assert.All(collector.Posts, p => Assert.Equal(("/v1/traces", "application/x-protobuf"), (p.Path, p.ContentType)));
        var exported = collector.All;
        foreach (var expected in new[] { "router.request", "router.attempt", "router.outcome", "transient", "success", bad + "#1", good + "#1", "openai-chat",
                     "t" + id + "-m", ClientKeyName.Derive(clientKey) })
            Assert.Contains(expected, exported);
        foreach (var secret in new[] { prompt, "ANSWER-that-must-not-leave", clientKey, "sk-upstream-secret" })
            Assert.DoesNotContain(secret, exported);
    }

    [Fact]
    public async Task Without_an_endpoint_no_tracer_is_made()
    {
        await using var fake = await FakeUpstream.StartAsync();
        await using var router = await RouterUnderTest.StartAsync(Build([OpenAiProvider("p", fake, "sk-1")], [Route("^gpt-", "p")]));
        Assert.Null(router.Services.GetService<TracerProvider>());
    }
}
