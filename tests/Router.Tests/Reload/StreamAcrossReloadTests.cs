using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Akka.Actor;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Router.Tests.Fakes;
using Xunit.Abstractions;
using static Router.Tests.Reload.FileConfiguredRouter;

namespace Router.Tests.Reload;

/// <summary>
/// A stream keeps flowing while a reload moves its route to another provider, removes its provider
/// and adds the other; the next request follows the new route; the removed provider's actor stops
/// once the stream is over.
/// </summary>
public sealed class StreamAcrossReloadTests(ITestOutputHelper output)
{
    private const int Chunks = 30;
    private const int BeforeReload = 5;

    private static string Config(string providers, string provider) => Header() + "providers:\n" + providers + $$"""
        models:
          routing:
            - pattern: "^gpt-"
              providers: [{{provider}}]

        """;

    [Fact]
    public async Task A_stream_keeps_flowing_while_a_reload_removes_its_provider_and_routes_to_a_new_one()
    {
        await using var oldUpstream = await FakeUpstream.StartAsync();
        await using var newUpstream = await FakeUpstream.StartAsync();
        // One chunk at most every second, sooner when the test lets it go: the stream is paced by
        // conditions, so the test is no slower than it must be, and it stays open across the reload.
        var permits = new SemaphoreSlim(0);
        oldUpstream.DefaultReply = (c, _) => GatedStreamAsync(c, permits);
        newUpstream.DefaultReply = OpenAiWire.Text("from the new provider");

        await using var router = await StartAsync(Config(OpenAi("old", oldUpstream, "k-old"), "old"));
        var system = router.Router.Services.GetRequiredService<ActorSystem>();
        var clock = Stopwatch.StartNew();

        var received = 0;
        var reading = ReadStreamAsync(router.Http, () => Interlocked.Increment(ref received));
        permits.Release(BeforeReload);
        await RouterUnderTest.EventuallyAsync(() => Task.FromResult(Volatile.Read(ref received) == BeforeReload), "the first chunks", 10_000);

        router.Rewrite(Config(OpenAi("new", newUpstream, "k-new"), "new"));
        var (status, answer) = await router.ReloadAsync();
        Assert.Equal(200, status);
        var changes = answer["changes"]!.AsArray().Select(c => c!.ToString()).ToList();
        Assert.Contains("providers.new: added", changes);
        Assert.Contains("providers.old: removed", changes);
        Assert.Contains("models.routing: changed", changes);
        var atReload = Volatile.Read(ref received);

        // The next request follows the new route, while the old stream is still open.
        var next = await router.Http.PostAsJsonAsync("/v1/chat/completions", Request(stream: false));
        Assert.Equal(200, (int)next.StatusCode);
        Assert.Contains("from the new provider", await next.Content.ReadAsStringAsync());
        Assert.Single(oldUpstream.Requests);
        Assert.False(reading.IsCompleted, "the stream on the removed provider ended early");
        Assert.NotNull(await FindAsync(system, "/user/routing/old")); // draining, not stopped

        permits.Release(Chunks - BeforeReload);
        var (chunks, done) = await reading.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(Chunks, chunks);
        Assert.True(done, "the stream did not end with [DONE]");
        output.WriteLine($"stream: {chunks} chunks in {clock.Elapsed.TotalSeconds:0.0}s, {atReload} before the reload and {chunks - atReload} after it");

        await RouterUnderTest.EventuallyAsync(async () => await FindAsync(system, "/user/routing/old") is null,
            "the removed provider's actor stops once its stream is over", 10_000);
    }

    private static async Task GatedStreamAsync(HttpContext c, SemaphoreSlim permits)
    {
        c.Response.StatusCode = 200;
        c.Response.ContentType = "text/event-stream";
        for (var i = 1; i <= Chunks; i++)
        {
            await permits.WaitAsync(TimeSpan.FromSeconds(1), c.RequestAborted);
            await Write(c, $$"""{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-x","choices":[{"index":0,"delta":{"content":"tick-{{i}} "},"finish_reason":null}]}""");
        }
        await Write(c, """{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-x","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}""");
        await Write(c, "[DONE]");
    }

    private static async Task Write(HttpContext c, string data)
    {
        await c.Response.Body.WriteAsync(Encoding.UTF8.GetBytes($"data: {data}\n\n"));
        await c.Response.Body.FlushAsync();
    }

    private static JsonObject Request(bool stream) => new()
    {
        ["model"] = "gpt-x",
        ["stream"] = stream,
        ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "hello" }),
    };

    /// <summary>Counts the chunks carrying text as they arrive; ends with (chunks, whether [DONE] came).</summary>
    private static async Task<(int Chunks, bool Done)> ReadStreamAsync(HttpClient http, Action onChunk)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = JsonContent.Create(Request(stream: true)) };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var chunks = 0;
        var done = false;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (line.Contains("tick-"))
            {
                chunks++;
                onChunk();
            }
            done |= line == "data: [DONE]";
        }
        return (chunks, done);
    }

    private static async Task<IActorRef?> FindAsync(ActorSystem system, string path)
    {
        try
        {
            return await system.ActorSelection(path).ResolveOne(TimeSpan.FromSeconds(2));
        }
        catch (ActorNotFoundException)
        {
            return null;
        }
    }
}
