using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Router.Http.Operations;
using static Router.Tests.Operations.RouterProcess;

namespace Router.Tests.Operations;

/// <summary>A router started as a user starts it gives its garbage back once it goes quiet, and never while it serves.</summary>
public sealed class IdleHeapTrimTests
{
    private const long Quiet = IdleTrimPolicy.QuietBytes / 2, Mb = 1024 * 1024, Busy = Mb;

    [Fact]
    public void The_garbage_of_start_up_is_trimmed_at_the_first_quiet_half_second()
    {
        var policy = new IdleTrimPolicy(allocatedAtStart: 40 * Mb);
        Assert.False(policy.ShouldTrim(40 * Mb + Quiet)); // one quiet check is not yet a quiet half second
        Assert.True(policy.ShouldTrim(40 * Mb + 2 * Quiet));
    }

    [Fact]
    public void A_router_that_keeps_allocating_is_not_trimmed_however_much_it_allocated()
    {
        var policy = new IdleTrimPolicy(allocatedAtStart: 0);
        var allocated = 0L;
        for (var check = 0; check < 100; check++)
            Assert.False(policy.ShouldTrim(allocated += Busy));
        // One busy interval between quiet ones starts the quiet half second over.
        Assert.False(policy.ShouldTrim(allocated += Quiet));
        Assert.False(policy.ShouldTrim(allocated += Busy));
        Assert.False(policy.ShouldTrim(allocated += Quiet));
        Assert.True(policy.ShouldTrim(allocated + Quiet));
    }

    [Fact]
    public void After_a_trim_the_next_waits_until_enough_garbage_is_worth_a_collection()
    {
        var policy = new IdleTrimPolicy(allocatedAtStart: 0);
        var allocated = 50 * Mb;
        policy.Trimmed(allocated);
        for (var check = 0; check < 20; check++)
            Assert.False(policy.ShouldTrim(allocated += Quiet)); // an idle router's trickle is not worth one
        allocated += IdleTrimPolicy.WorthBytes; // a burst,
        Assert.False(policy.ShouldTrim(allocated));
        Assert.False(policy.ShouldTrim(allocated += Quiet)); // then quiet:
        Assert.True(policy.ShouldTrim(allocated + Quiet));
    }

    [Fact]
    public async Task A_started_router_trims_its_start_up_garbage_and_again_after_a_burst_once_quiet()
    {
        var (dir, port) = WriteEchoConfig();
        var start = await RunAsync(dir, "start");
        Assert.True(start.ExitCode == 0, start.Output);
        var pid = PidOf(dir);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            var first = await TrimsReachAsync(http, 1);
            // A burst of large bodies: tens of MB of garbage (each body is under the size that trims at once).
            var text = new string('x', 1024 * 1024);
            for (var i = 0; i < 24; i++)
            {
                var answer = await http.PostAsJsonAsync("/v1/chat/completions", new { model = "echo-1", messages = new[] { new { role = "user", content = text } } });
                Assert.True(answer.IsSuccessStatusCode, answer.StatusCode.ToString());
            }
            var after = await TrimsReachAsync(http, (int)first["idle_trims"]! + 1);
            Assert.True((long)after["heap_bytes"]! < 32 * Mb, $"heap after the trim: {after["heap_bytes"]} bytes");
        }
        finally
        {
            await StopAsync(dir, pid);
        }
    }

    /// <summary>Waits (at most 30 s) until the router has trimmed <paramref name="trims"/> times; its GC figures then.</summary>
    private static async Task<JsonObject> TrimsReachAsync(HttpClient http, int trims)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        JsonObject gc;
        do
        {
            // A look allocates more than a quiet interval may (the assembly list alone): the router needs a quiet
            // half second between looks to trim at all.
            await Task.Delay(TimeSpan.FromSeconds(2));
            gc = (await http.GetFromJsonAsync<JsonObject>("/v0/management/runtime"))!["gc"]!.AsObject();
        } while ((int)gc["idle_trims"]! < trims && DateTime.UtcNow < deadline);
        Assert.True((int)gc["idle_trims"]! >= trims, $"the router trimmed {gc["idle_trims"]} times in 30 s, expected {trims}: {gc}");
        return gc;
    }
}
