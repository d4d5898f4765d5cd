using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Router.Actors.Configuration;
using Router.Actors.Services;
using Router.Tests.Fakes;
using static Router.Tests.Fakes.TestConfig;

namespace Router.Tests.Operations;

/// <summary>
/// Restarting a side service that ignores SIGTERM takes the stop grace period, but no actor waits in
/// its mailbox meanwhile: the status endpoint (Docker's HEALTHCHECK runs `status`) answers at once, and
/// the other side services keep running untouched.
/// </summary>
public sealed class SideServiceRestartTests
{
    private static readonly TimeSpan StatusDeadline = TimeSpan.FromSeconds(2.5);

    private static ProviderConfig FakeVendorService(string name, int port, string dir, string extra = "") => new()
    {
        Name = name, Type = "http-proxy", BaseUrl = $"http://127.0.0.1:{port}/v1", Timeout = 10,
        Service = new ServiceConfig { Command = $"dotnet {Built.FakeVendorDll} --port {port} {extra}".TrimEnd(), Cwd = dir },
        HealthCheck = new HealthCheckConfig { Url = $"http://127.0.0.1:{port}/health", Interval = 1, Timeout = 1 },
    };

    private static async Task<JsonObject> ServiceAsync(RouterUnderTest router, string name)
    {
        using var timeout = new CancellationTokenSource(StatusDeadline);
        var watch = Stopwatch.StartNew();
        using var response = await router.Http.GetAsync("/v0/management/status", timeout.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(watch.Elapsed < StatusDeadline, $"status took {watch.Elapsed.TotalSeconds:0.0}s");
        var status = JsonNode.Parse(await response.Content.ReadAsStringAsync(timeout.Token))!;
        return status["providers"]!.AsArray().First(p => p!["name"]!.GetValue<string>() == name)!["service"]!.AsObject();
    }

    private static int? PidOf(JsonObject service) => service["pid"]?.GetValue<int>();

    [Fact]
    public async Task Status_answers_at_once_while_a_service_that_ignores_SIGTERM_restarts_and_its_sibling_keeps_its_pid()
    {
        var dir = NewAuthDir();
        var config = Build(
            [FakeVendorService("stubborn", FreePort(), dir, "--ignore-sigterm"), FakeVendorService("sibling", FreePort(), dir)],
            [Route("^gpt-", "stubborn", "sibling")], authDir: dir);
        var router = await RouterUnderTest.StartAsync(config with { Logging = config.Logging with { Dir = dir } });
        var pids = new List<int>();
        try
        {
            await RouterUnderTest.EventuallyAsync(async () => await router.ProviderHealthAsync("stubborn") == "healthy"
                && await router.ProviderHealthAsync("sibling") == "healthy", "both services healthy", 30000);
            var stubbornPid = PidOf(await ServiceAsync(router, "stubborn"))!.Value;
            var siblingPid = PidOf(await ServiceAsync(router, "sibling"))!.Value;
            pids.AddRange([stubbornPid, siblingPid]);

            var restart = router.Http.PostAsync("/v0/management/services/stubborn/restart", null);

            // While the old process ignores SIGTERM (5 s grace before SIGKILL), status keeps answering.
            var sawRestarting = false;
            var answers = 0;
            while (!restart.IsCompleted)
            {
                var stubborn = await ServiceAsync(router, "stubborn");
                sawRestarting |= stubborn["detail"]?.GetValue<string>()?.Contains("restarting") == true;
                Assert.Equal(siblingPid, PidOf(await ServiceAsync(router, "sibling")));
                answers++;
                await Task.Delay(200);
            }
            using var restarted = await restart;
            Assert.Equal(HttpStatusCode.OK, restarted.StatusCode);
            Assert.True(sawRestarting, "status showed the service restarting");
            Assert.True(answers >= 5, $"only {answers} status answers during the restart");
            Assert.False(ProcessSignals.IsAlive(stubbornPid), "the old process was killed after ignoring SIGTERM");

            var newPid = JsonNode.Parse(await restarted.Content.ReadAsStringAsync())!["pid"]!.GetValue<int>();
            pids.Add(newPid);
            Assert.NotEqual(stubbornPid, newPid);
            await RouterUnderTest.EventuallyAsync(async () => await router.ProviderHealthAsync("stubborn") == "healthy", "stubborn healthy again", 30000);
            var sibling = await ServiceAsync(router, "sibling");
            Assert.Equal(siblingPid, PidOf(sibling));
            Assert.Equal(0, sibling["restarts"]!.GetValue<int>());
        }
        finally
        {
            await router.DisposeAsync();
        }
        var leftover = pids.Where(ProcessSignals.IsAlive).ToList();
        foreach (var pid in leftover) RouterProcess.Kill(pid);
        Assert.Empty(leftover); // no service outlives the router
    }
}
