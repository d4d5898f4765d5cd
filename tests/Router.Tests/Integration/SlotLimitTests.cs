using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Router.Tests.Fakes;
using static Router.Tests.Fakes.TestConfig;

namespace Router.Tests.Integration;

/// <summary>max_in_flight holds exactly while the broker leases the account on the fast path.</summary>
public sealed class SlotLimitTests
{
    [Fact]
    public async Task A_max_in_flight_2_account_hammered_from_many_requests_never_has_more_than_2_calls_at_its_upstream()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        var inside = 0;
        var most = 0;
        var answer = OpenAiWire.Text("hi");
        upstream.DefaultReply = async (c, body) =>
        {
            var now = Interlocked.Increment(ref inside);
            for (int seen; (seen = Volatile.Read(ref most)) < now && Interlocked.CompareExchange(ref most, now, seen) != seen;) { }
            await Task.Delay(20);
            Interlocked.Decrement(ref inside);
            await answer(c, body);
        };
        await using var router = await RouterUnderTest.StartAsync(Build(
            [OpenAiProvider("slots", upstream, "sk-slots") with { MaxInFlight = 2 }], [Route("^m", "slots")]));

        var statuses = await Task.WhenAll(Enumerable.Range(0, 3).Select(async _ =>
        {
            var answers = new List<HttpStatusCode>();
            foreach (var round in Enumerable.Range(0, 5))
                answers.AddRange(await Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
                    (await router.Http.PostAsync("/v1/chat/completions", Json.Body("m-1"))).StatusCode)));
            return answers;
        }));

        var all = statuses.SelectMany(s => s).ToList();
        Assert.InRange(most, 1, 2);
        Assert.Contains(HttpStatusCode.OK, all);
        // Every request was served or told the account was busy: never a 500.
        var failed = all.Where(s => (int)s >= 500 && s != HttpStatusCode.ServiceUnavailable).ToList();
        Assert.True(failed.Count == 0, $"{failed.Count} answers {string.Join(", ", failed.Distinct())}; the router logged:\n"
            + string.Join("\n", router.Log.Lines.Where(l => l.StartsWith("Error") || l.StartsWith("Critical") || l.StartsWith("Warning")).Take(8)));
        await RouterUnderTest.EventuallyAsync(async () =>
        {
            var status = await router.Http.GetFromJsonAsync<JsonObject>("/v0/management/status");
            var provider = status!["providers"]!.AsArray().OfType<JsonObject>().Single(p => p["name"]!.GetValue<string>() == "slots");
            return provider["accounts"]!.AsArray().OfType<JsonObject>().All(a => a["in_flight"]!.GetValue<int>() == 0);
        }, "every slot is given back");
    }
}
