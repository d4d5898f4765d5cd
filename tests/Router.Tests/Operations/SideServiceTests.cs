using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Router.Actors.Configuration;
using Router.Tests.Fakes;
using static Router.Tests.Fakes.TestConfig;

namespace Router.Tests.Operations;

/// <summary>http-proxy side services: started, health-checked, restarted with backoff, failed over from, stopped with the router.</summary>
public sealed class SideServiceTests
{

    private static ProviderConfig WebAi(string command, int port, string logDir) => new()
    {
        Name = "webai", Type = "http-proxy", BaseUrl = $"http://127.0.0.1:{port}/v1", Timeout = 10,
        Service = new ServiceConfig { Command = command, Cwd = logDir },
        HealthCheck = new HealthCheckConfig { Url = $"http://127.0.0.1:{port}/health", Interval = 1, Timeout = 1 },
    };

    private static async Task<JsonObject> ServiceStatusAsync(RouterUnderTest router)
    {
        var status = JsonNode.Parse(await router.Http.GetStringAsync("/v0/management/status"))!;
        return status["providers"]!.AsArray().First(p => p!["name"]!.GetValue<string>() == "webai")!["service"]!.AsObject();
    }

    [Fact]
    public async Task The_router_starts_the_service_restarts_it_when_killed_fails_over_while_unhealthy_and_stops_it_on_exit()
    {
        var dir = NewAuthDir();
        var port = FreePort();
        var unhealthy = Path.Combine(dir, "unhealthy");
        await using var backup = await FakeUpstream.StartAsync();
        backup.DefaultReply = OpenAiWire.Text("from backup");
        var config = Build([WebAi($"dotnet {Built.FakeVendorDll} --port {port} --unhealthy-file {unhealthy}", port, dir), OpenAiProvider("backup", backup, "sk-b")],
            [Route("^gpt-", "webai", "backup")], authDir: dir);
        config = config with { Logging = config.Logging with { Dir = dir } };
        var router = await RouterUnderTest.StartAsync(config);
        int firstPid;
        try
        {
            await RouterUnderTest.EventuallyAsync(async () => await router.ProviderHealthAsync("webai") == "healthy", "webai healthy", 20000);
            var response = await router.Http.PostAsync("/v1/chat/completions", Integration.Json.Body("gpt-4.1"));
            var first = await response.Content.ReadAsStringAsync();
            Assert.True(first.Contains("PONG from OpenAi"), first + "\n" + string.Join("\n", router.Log.Lines.TakeLast(30)));
            firstPid = (await ServiceStatusAsync(router))["pid"]!.GetValue<int>();

            // Killed → restarted (new pid) and healthy again.
            Process.GetProcessById(firstPid).Kill();
            await RouterUnderTest.EventuallyAsync(async () => (await ServiceStatusAsync(router))["pid"]?.GetValue<int>() is { } pid && pid != firstPid
                && await router.ProviderHealthAsync("webai") == "healthy", "webai restarted and healthy", 20000);
            Assert.True((await ServiceStatusAsync(router))["restarts"]!.GetValue<int>() >= 1);

            // Health check failing → degraded, and calls go to the next provider.
            File.WriteAllText(unhealthy, "");
            await RouterUnderTest.EventuallyAsync(async () => await router.ProviderHealthAsync("webai") == "degraded", "webai degraded", 10000);
            response = await router.Http.PostAsync("/v1/chat/completions", Integration.Json.Body("gpt-4.1"));
            Assert.Contains("from backup", await response.Content.ReadAsStringAsync());
            File.Delete(unhealthy);
            await RouterUnderTest.EventuallyAsync(async () => await router.ProviderHealthAsync("webai") == "healthy", "webai healthy again", 10000);

            Assert.Contains("fake vendor listening", File.ReadAllText(Path.Combine(dir, "webai.log")));
        }
        finally
        {
            var lastPid = (await ServiceStatusAsync(router))["pid"]?.GetValue<int>();
            await router.DisposeAsync();
            if (lastPid is { } pid)
                Assert.False(Router.Actors.Services.ProcessSignals.IsAlive(pid), "the service outlived the router");
        }
    }

    [Fact]
    public async Task A_crash_looping_service_is_restarted_with_growing_backoff_not_in_a_spin()
    {
        var dir = NewAuthDir();
        var port = FreePort();
        await using var backup = await FakeUpstream.StartAsync();
        backup.DefaultReply = OpenAiWire.Text("from backup");
        var config = Build([WebAi("echo starting; exit 3", port, dir), OpenAiProvider("backup", backup, "sk-b")],
            [Route("^gpt-", "webai", "backup")], authDir: dir);
        await using var router = await RouterUnderTest.StartAsync(config with { Logging = config.Logging with { Dir = dir } });

        await Task.Delay(TimeSpan.FromSeconds(6.5));
        var service = await ServiceStatusAsync(router);
        var restarts = service["restarts"]!.GetValue<int>();
        // Backoff 1, 2, 4 s: three or four restarts in 6.5 s, where a spin would make thousands.
        Assert.InRange(restarts, 2, 4);
        Assert.Equal("down", await router.ProviderHealthAsync("webai"));
        Assert.InRange(service["backoff_seconds"]!.GetValue<double>(), 4, 8); // 1, 2, 4, (8): it doubles
        Assert.NotNull(service["next_start_at"]);
        Assert.Contains("exit code 3", service["last_exit"]!.GetValue<string>());
        Assert.Contains("from backup", await (await router.Http.PostAsync("/v1/chat/completions", Integration.Json.Body("gpt-4.1"))).Content.ReadAsStringAsync());
    }
}
