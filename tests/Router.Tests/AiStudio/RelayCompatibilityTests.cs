using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Router.Tests.Fakes;
using static Router.Tests.AiStudio.AiStudioSetup;

namespace Router.Tests.AiStudio;

/// <summary>Workers written for CLIProxyAPI's relay, and the AI Studio management endpoints.</summary>
public sealed class RelayCompatibilityTests
{
    /// <summary>
    /// Frames as CLIProxyAPI's workers write them: header values as lists or single strings, extra
    /// fields, stream chunks in `data`, a stream that ends with http_response instead of stream_end.
    /// </summary>
    [Fact]
    public async Task A_worker_written_for_cliproxyapi_is_served_unchanged()
    {
        await using var router = await StartAsync();
        await using var worker = await ScriptedWorker.ConnectAsync(router, "cliproxy");
        await WorkersJoinedAsync(router, 1);

        var whole = router.Http.PostAsync("/v1/chat/completions", ChatBody());
        var request = await worker.NextRequestAsync();
        var id = request["id"]!.GetValue<string>();
        // Every header value the router sends is a list of strings; the body is a string.
        Assert.All(request["payload"]!["headers"]!.AsObject(), h => Assert.IsType<JsonArray>(h.Value));
        Assert.IsAssignableFrom<JsonValue>(request["payload"]!["body"]);
        await worker.SendRawAsync(new JsonObject
        {
            ["id"] = id, ["type"] = "http_response",
            ["payload"] = new JsonObject
            {
                ["status"] = 200, ["sent_at"] = "2026-12-01T00:00:00Z",
                ["headers"] = new JsonObject { ["Content-Type"] = "application/json", ["X-Seen"] = new JsonArray("a", "b") },
                ["body"] = GeminiAnswer("whole from cliproxy"),
            },
        }.ToJsonString());
        Assert.Contains("whole from cliproxy", await (await whole).Content.ReadAsStringAsync());

        var streamed = router.Http.PostAsync("/v1/chat/completions", ChatBody(stream: true));
        request = await worker.NextRequestAsync();
        id = request["id"]!.GetValue<string>();
        var pieces = GeminiStream("strea", "med").ToList();
        await worker.SendRawAsync("{\"id\":\"" + id + "\",\"type\":\"stream_start\",\"payload\":{\"status\":200,\"headers\":{\"Content-Type\":[\"text/event-stream\"]}}}");
        foreach (var piece in pieces)
            await worker.SendAsync(id, "stream_chunk", new JsonObject { ["data"] = piece });
        await worker.SendRawAsync("{\"id\":\"" + id + "\",\"type\":\"http_response\",\"payload\":{\"status\":200,\"headers\":{}}}");
        var text = await (await streamed).Content.ReadAsStringAsync();
        Assert.Contains("strea", text);
        Assert.Contains("med", text);
        Assert.Contains("data: [DONE]", text);
    }

    [Fact]
    public async Task A_ping_from_the_worker_gets_a_pong_with_its_id()
    {
        await using var router = await StartAsync();
        await using var worker = await ScriptedWorker.ConnectAsync(router, "pinger");
        await worker.SendAsync("p-1", "ping");
        var pong = await worker.NextControlAsync();
        Assert.Equal("pong", pong["type"]!.GetValue<string>());
        Assert.Equal("p-1", pong["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Status_lists_workers_and_delete_disconnects_them()
    {
        await using var router = await StartAsync();
        await using var a = await ScriptedWorker.ConnectAsync(router, "alpha");
        await using var b = await ScriptedWorker.ConnectAsync(router, "beta");
        await WorkersJoinedAsync(router, 2);

        var status = (await router.Http.GetFromJsonAsync<JsonObject>("/v1/auth/aistudio/status"))!["workers"]!.AsArray();
        Assert.Equal(["alpha", "beta"], status.Select(w => w!["name"]!.GetValue<string>()));
        var alpha = status[0]!.AsObject();
        Assert.Equal("aistudio", alpha["provider"]!.GetValue<string>());
        Assert.Equal("aistudio#1", alpha["account"]!.GetValue<string>());
        Assert.Equal("healthy", alpha["health"]!.GetValue<string>());
        Assert.Equal(0, alpha["in_flight"]!.GetValue<int>());
        Assert.True(DateTimeOffset.Parse(alpha["connected_since"]!.GetValue<string>()) <= DateTimeOffset.UtcNow);
        Assert.True(alpha.ContainsKey("last_pong"));

        var one = await router.Http.DeleteAsync("/v1/auth/aistudio?worker=alpha");
        Assert.Equal(1, (await one.Content.ReadFromJsonAsync<JsonObject>())!["disconnected"]!.GetValue<int>());
        await a.Closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await WorkersJoinedAsync(router, 1);

        var all = await router.Http.DeleteAsync("/v1/auth/aistudio");
        Assert.Equal(1, (await all.Content.ReadFromJsonAsync<JsonObject>())!["disconnected"]!.GetValue<int>());
        await b.Closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await WorkersJoinedAsync(router, 0);
    }

    [Fact]
    public async Task Login_sends_the_worker_a_login_message()
    {
        await using var router = await StartAsync();
        var none = await router.Http.PostAsync("/v1/auth/aistudio/login", null);
        Assert.Equal(HttpStatusCode.Conflict, none.StatusCode);

        await using var worker = await ScriptedWorker.ConnectAsync(router, "desk");
        await WorkersJoinedAsync(router, 1);
        var sent = await router.Http.PostAsync("/v1/auth/aistudio/login", null);
        Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        Assert.Equal("desk", (await sent.Content.ReadFromJsonAsync<JsonObject>())!["workers"]![0]!.GetValue<string>());
        var login = await worker.NextControlAsync();
        Assert.Equal("login", login["type"]!.GetValue<string>());
    }
}
