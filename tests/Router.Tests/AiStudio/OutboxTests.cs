using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using Router.Actors.Relay;

namespace Router.Tests.AiStudio;

/// <summary>
/// The source a worker socket's outbound frames come through: items offered before it runs, while it waits and
/// while it is busy all arrive, once each, in each offering thread's order, and a slow consumer loses nothing.
/// </summary>
public sealed class OutboxTests : IAsyncLifetime
{
    private readonly ActorSystem _system = ActorSystem.Create("outbox");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _system.Terminate();

    [Fact]
    public async Task Items_offered_before_the_source_runs_and_after_it_waits_all_arrive_in_order()
    {
        var outbox = new Outbox<int>();
        outbox.Offer(0);
        outbox.Offer(1);
        var received = outbox.Source().Take(4).RunWith(Sink.Seq<int>(), _system.Materializer());
        outbox.Offer(2);
        // Waits until the source has taken everything and waits again, so the last offer is the one that wakes it.
        await Task.Delay(50);
        outbox.Offer(3);

        Assert.Equal([0, 1, 2, 3], await received.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Items_offered_from_many_threads_at_once_arrive_once_each_in_each_threads_order()
    {
        const int threads = 4, each = 5_000;
        var outbox = new Outbox<(int Thread, int N)>();
        // A consumer that sometimes lags, so offers land both while the source waits and while it is busy.
        var received = outbox.Source()
            .Select(item => { if (item.N % 997 == 0) Thread.Sleep(1); return item; })
            .Take(threads * each)
            .RunWith(Sink.Seq<(int Thread, int N)>(), _system.Materializer());

        await Task.WhenAll(Enumerable.Range(0, threads).Select(t => Task.Run(() =>
        {
            for (var n = 0; n < each; n++) outbox.Offer((t, n));
        })));

        var items = await received.WaitAsync(TimeSpan.FromSeconds(30));
        foreach (var byThread in items.GroupBy(i => i.Thread))
            Assert.Equal(Enumerable.Range(0, each), byThread.Select(i => i.N));
        Assert.Equal(threads, items.Select(i => i.Thread).Distinct().Count());
    }
}
