using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using Router.Actors.Relay;

namespace Router.Tests.AiStudio;

/// <summary>
/// The source a worker socket's messages come through: elements ready at once and elements that must be
/// waited for arrive in order, a failure comes after what was read before it, nothing is read ahead of
/// demand, and the sequence is disposed however the stream stops.
/// </summary>
public sealed class ReadyFirstSourceTests : IAsyncLifetime
{
    private readonly ActorSystem _system = ActorSystem.Create("ready-first");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _system.Terminate();

    private sealed class Sequence(int count, Func<int, bool> waitBefore, int? failAt = null)
    {
        public int Read;
        public readonly TaskCompletionSource Disposed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public async IAsyncEnumerable<int> Items()
        {
            try
            {
                for (var i = 0; i < count; i++)
                {
                    if (waitBefore(i)) await Task.Delay(5);
                    if (i == failAt) throw new InvalidOperationException("the socket broke");
                    Interlocked.Increment(ref Read);
                    yield return i;
                }
            }
            finally
            {
                Disposed.TrySetResult();
            }
        }
    }

    private Task<System.Collections.Immutable.IImmutableList<int>> Run(Sequence sequence, int? take = null)
    {
        var source = Source.FromGraph(new ReadyFirstSource<int>(sequence.Items));
        return (take is { } n ? source.Take(n) : source).RunWith(Sink.Seq<int>(), _system.Materializer());
    }

    [Fact]
    public async Task Ready_and_waited_for_elements_arrive_in_order_and_the_sequence_is_disposed_at_its_end()
    {
        var sequence = new Sequence(500, i => i % 7 == 0);
        var received = await Run(sequence).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(Enumerable.Range(0, 500), received);
        await sequence.Disposed.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_failed_read_fails_the_stream_after_the_elements_read_before_it(bool waitBeforeFailing)
    {
        var sequence = new Sequence(10, i => waitBeforeFailing && i == 3, failAt: 3);
        var seen = new List<int>();
        var run = Source.FromGraph(new ReadyFirstSource<int>(sequence.Items)).RunForeach(seen.Add, _system.Materializer());

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => run.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("the socket broke", failure.Message);
        Assert.Equal([0, 1, 2], seen);
        await sequence.Disposed.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Nothing_is_read_ahead_of_demand_and_a_downstream_that_stops_disposes_the_sequence()
    {
        var sequence = new Sequence(int.MaxValue, _ => false);
        var received = await Run(sequence, take: 3).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal([0, 1, 2], received);
        await sequence.Disposed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.InRange(sequence.Read, 3, 4);
    }

    [Fact]
    public async Task A_downstream_that_stops_while_a_read_waits_disposes_the_sequence_after_that_read()
    {
        var sequence = new Sequence(int.MaxValue, i => i >= 2);
        var received = await Run(sequence, take: 2).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal([0, 1], received);
        await sequence.Disposed.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
