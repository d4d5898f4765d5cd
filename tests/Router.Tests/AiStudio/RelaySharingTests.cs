using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Router.Tests.Fakes;
using static Router.Tests.AiStudio.AiStudioSetup;

namespace Router.Tests.AiStudio;

/// <summary>Many requests on one socket, load shared across workers, a worker replaced by its own name.</summary>
public sealed class RelaySharingTests
{
    [Fact]
    public async Task Many_requests_in_flight_on_one_socket_are_told_apart_by_id()
    {
        await using var router = await StartAsync();
        await using var worker = await ScriptedWorker.ConnectAsync(router, "w1");
        await WorkersJoinedAsync(router, 1);

        const int count = 20;
        var calls = Enumerable.Range(0, count).Select(i => router.Http.PostAsync("/v1/chat/completions", ChatBody(text: $"question {i}"))).ToList();
        var requests = new List<JsonObject>();
        for (var i = 0; i < count; i++) requests.Add(await worker.NextRequestAsync());
        Assert.Equal(count, requests.Select(r => r["id"]!.GetValue<string>()).Distinct().Count());
        // Answer in reverse order: each answer must reach the request it belongs to.
        foreach (var request in Enumerable.Reverse(requests))
        {
            var question = JsonNode.Parse(request["payload"]!["body"]!.GetValue<string>())!["contents"]![0]!["parts"]![0]!["text"]!.GetValue<string>();
            await worker.RespondAsync(request["id"]!.GetValue<string>(), 200, GeminiAnswer("answer to " + question));
        }
        for (var i = 0; i < count; i++)
        {
            var response = await calls[i];
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var text = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["choices"]![0]!["message"]!["content"]!.GetValue<string>();
            Assert.Equal($"answer to question {i}", text);
        }
    }

    [Fact]
    public async Task Two_workers_share_the_load()
    {
        await using var router = await StartAsync();
        var served = new ConcurrentDictionary<string, int>();
        Func<JsonObject, ScriptedWorker, Task> Counting(string name) => async (request, w) =>
        {
            served.AddOrUpdate(name, 1, (_, n) => n + 1);
            await Task.Delay(50);
            await w.RespondAsync(request["id"]!.GetValue<string>(), 200, GeminiAnswer(name));
        };
        await using var a = await ScriptedWorker.ConnectAsync(router, "a", handler: Counting("a"));
        await using var b = await ScriptedWorker.ConnectAsync(router, "b", handler: Counting("b"));
        await WorkersJoinedAsync(router, 2);

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => router.Http.PostAsync("/v1/chat/completions", ChatBody())));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.True(served.GetValueOrDefault("a") >= 2 && served.GetValueOrDefault("b") >= 2, $"a: {served.GetValueOrDefault("a")}, b: {served.GetValueOrDefault("b")}");
    }

    [Fact]
    public async Task A_second_socket_with_the_same_name_replaces_the_first()
    {
        await using var router = await StartAsync();
        await using var first = await ScriptedWorker.ConnectAsync(router, "Laptop");
        await WorkersJoinedAsync(router, 1);
        await using var second = await ScriptedWorker.ConnectAsync(router, "laptop", handler: Answering("from the second"));

        await first.Closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await WorkersJoinedAsync(router, 1);
        var response = await router.Http.PostAsync("/v1/chat/completions", ChatBody());
        Assert.Contains("from the second", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Workers_that_come_and_go_leave_no_actors_behind()
    {
        await using var router = await StartAsync();
        int UserActors() => router.ActorPaths().Count(p => p.StartsWith("/user/", StringComparison.Ordinal));
        async Task ComeAndGoAsync()
        {
            await using (await ScriptedWorker.ConnectAsync(router, "w1", handler: Answering("hi")))
            {
                await WorkersJoinedAsync(router, 1);
                Assert.Equal(HttpStatusCode.OK, (await router.Http.PostAsync("/v1/chat/completions", ChatBody())).StatusCode);
            }
            await WorkersJoinedAsync(router, 0);
        }

        await ComeAndGoAsync();
        var after = UserActors();
        for (var i = 0; i < 4; i++) await ComeAndGoAsync();

        // A socket's actors stop a moment after it closes: wait for the count to settle, never above the first round's.
        await RouterUnderTest.EventuallyAsync(() => Task.FromResult(UserActors() <= after),
            $"at most {after} actors under /user after five workers came and went");
    }

    [Fact]
    public async Task A_worker_without_a_name_is_named_aistudio_and_a_random_suffix()
    {
        await using var router = await StartAsync();
        await using var worker = await ScriptedWorker.ConnectAsync(router);
        await WorkersJoinedAsync(router, 1);
        var status = await router.Http.GetFromJsonAsync<JsonObject>("/v1/auth/aistudio/status");
        Assert.Matches("^aistudio-[0-9a-f]{8}$", status!["workers"]![0]!["name"]!.GetValue<string>());
    }
}
