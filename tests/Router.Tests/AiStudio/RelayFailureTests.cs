using System.Net;
using System.Text.Json.Nodes;
using Router.Tests.Fakes;
using static Router.Tests.AiStudio.AiStudioSetup;

namespace Router.Tests.AiStudio;

/// <summary>Error frames, workers that go away before or after the first byte, and missed pings: the failover rules over the relay.</summary>
public sealed class RelayFailureTests
{
    private static async Task<string> ChatTextAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonNode.Parse(text)!["choices"]![0]!["message"]!["content"]!.GetValue<string>();
    }

    [Fact]
    public async Task With_no_worker_the_provider_is_down_and_routing_fails_over()
    {
        await using var router = await StartAsync(withBackup: true);
        Assert.Equal("down", await router.ProviderHealthAsync("aistudio"));
        Assert.Equal("echo: Hi", await ChatTextAsync(await router.Http.PostAsync("/v1/chat/completions", ChatBody())));
    }

    [Fact]
    public async Task Without_a_backup_no_worker_is_a_clear_503()
    {
        await using var router = await StartAsync();
        var response = await router.Http.PostAsync("/v1/chat/completions", ChatBody());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("aistudio", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData(503)]
    [InlineData(429)]
    [InlineData(null)]
    public async Task An_error_frame_before_the_answer_fails_over(int? status)
    {
        await using var router = await StartAsync(withBackup: true);
        await using var worker = await ScriptedWorker.ConnectAsync(router, "w1",
            handler: (request, w) => w.ErrorAsync(request["id"]!.GetValue<string>(), "page fetch failed", status));
        await WorkersJoinedAsync(router, 1);

        var response = await router.Http.PostAsync("/v1/chat/completions", ChatBody());
        // On failure, the message shows any exception the router logged.
        Assert.True(response.IsSuccessStatusCode, string.Join("\n", router.Log.Lines.Where(l => l.Contains("Exception"))));
        Assert.Equal("echo: Hi", await ChatTextAsync(response));
        if (status == 429)
            await RouterUnderTest.EventuallyAsync(async () => await router.ProviderHealthAsync("aistudio") == "degraded", "the worker cools down");
    }

    [Fact]
    public async Task An_error_frame_with_400_is_the_clients_fault_and_comes_back_in_its_format()
    {
        await using var router = await StartAsync(withBackup: true);
        await using var worker = await ScriptedWorker.ConnectAsync(router, "w1",
            handler: (request, w) => w.ErrorAsync(request["id"]!.GetValue<string>(), "Invalid JSON payload received.", 400));
        await WorkersJoinedAsync(router, 1);

        var response = await router.Http.PostAsync("/v1/chat/completions", ChatBody());
        var text = await response.Content.ReadAsStringAsync();
        // On failure, the message shows the answer and any exception the router logged.
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest,
            $"{(int)response.StatusCode} {text}\n" + string.Join("\n", router.Log.Lines.Where(l => l.Contains("Exception"))));
        var error = JsonNode.Parse(text)!;
        Assert.Contains("Invalid JSON payload", error["error"]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_worker_that_drops_before_the_first_byte_fails_over()
    {
        await using var router = await StartAsync(withBackup: true);
        var worker = await ScriptedWorker.ConnectAsync(router, "w1");
        await WorkersJoinedAsync(router, 1);

        var call = router.Http.PostAsync("/v1/chat/completions", ChatBody(stream: true));
        await worker.NextRequestAsync();
        worker.Abort();

        var response = await call;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("chatcmpl-echo", await response.Content.ReadAsStringAsync());
        await WorkersJoinedAsync(router, 0);
        await worker.DisposeAsync();
    }

    [Fact]
    public async Task A_worker_that_drops_after_the_first_byte_ends_the_stream_with_an_error_event()
    {
        await using var router = await StartAsync(withBackup: true);
        var worker = await ScriptedWorker.ConnectAsync(router, "w1");
        await WorkersJoinedAsync(router, 1);

        var call = router.Http.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/v1/messages") { Content = MessagesBody(stream: true) }, HttpCompletionOption.ResponseHeadersRead);
        var request = await worker.NextRequestAsync();
        await worker.StreamAsync(request["id"]!.GetValue<string>(), GeminiStream("Partial ", "x").Take(1), end: false);
        var response = await call;
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        string? line;
        while ((line = await reader.ReadLineAsync()) is not null && !line.Contains("Partial")) { }
        Assert.NotNull(line);
        worker.Abort();

        var rest = await reader.ReadToEndAsync();
        Assert.Contains("event: error", rest);
        Assert.DoesNotContain("echo:", rest);
        await worker.DisposeAsync();
    }

    [Fact]
    public async Task A_worker_that_stops_answering_pings_is_degraded_then_disconnected()
    {
        await using var router = await StartAsync(pingInterval: 1);
        await using var worker = await ScriptedWorker.ConnectAsync(router, "sleepy");
        await WorkersJoinedAsync(router, 1);
        await RouterUnderTest.EventuallyAsync(() => Task.FromResult(worker.PingsSeen > 0), "a ping arrives");
        worker.AnswerPings = false;

        await RouterUnderTest.EventuallyAsync(async () => await router.ProviderHealthAsync("aistudio") == "degraded", "degraded after a missed ping");
        await worker.Closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await WorkersJoinedAsync(router, 0);
    }

    [Fact]
    public async Task A_worker_that_answers_pings_stays_connected_and_healthy()
    {
        await using var router = await StartAsync(pingInterval: 1);
        await using var worker = await ScriptedWorker.ConnectAsync(router, "awake");
        await WorkersJoinedAsync(router, 1);
        await RouterUnderTest.EventuallyAsync(() => Task.FromResult(worker.PingsSeen >= 3), "three pings", timeoutMs: 10000);
        Assert.Equal("healthy", await router.ProviderHealthAsync("aistudio"));
        Assert.False(worker.Closed.Task.IsCompleted);
    }
}
