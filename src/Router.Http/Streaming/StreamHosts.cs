using Akka;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.Stage;

namespace Router.Http.Streaming;

/// <summary>
/// A few long-lived Akka.Streams interpreters (one per core) that response graphs are fused into, the
/// way Akka runs a stream's substreams inside their parent: starting a response costs a message to a
/// host and the graph's own stage logics, not a new interpreter actor (its creation, its mailbox, its
/// start-up messages), which profiling showed to be the largest fixed cost of a streamed answer. Each
/// response is still its own graph, with its own demand and backpressure, and one that fails fails
/// alone. A host whose interpreter stopped is replaced at the next response.
/// </summary>
public sealed class StreamHosts
{
    /// <summary>How many hosts a router runs: one per core, up to 16.</summary>
    public static readonly int Count = Math.Clamp(Environment.ProcessorCount, 1, 16);

    private readonly IMaterializer _materializer;
    private readonly Host[] _hosts;
    private int _turn;

    // Hosts, and any response run alone, start interpreter actors: keep their constructor's reflection cache alive.
    static StreamHosts() => Router.Actors.Dispatch.ReflectionCachePin.Keep(typeof(Akka.Streams.Implementation.Fusing.ActorGraphInterpreter));

    public StreamHosts(ActorSystem system)
    {
        _materializer = system.Materializer(namePrefix: "response");
        _hosts = new Host[Count];
        for (var i = 0; i < _hosts.Length; i++) _hosts[i] = Host.Start(_materializer);
    }

    /// <summary>Materializes <paramref name="graph"/> in the next host; a failure to start completes <paramref name="done"/> with it.</summary>
    public void Run(IGraph<ClosedShape, Task> graph, TaskCompletionSource done)
    {
        var slot = (int)((uint)Interlocked.Increment(ref _turn) % (uint)_hosts.Length);
        var host = _hosts[slot];
        if (host.Stopped)
            lock (_hosts) // rare: one replacement per stopped host, never two racing ones (the loser would idle forever)
                host = _hosts[slot] = _hosts[slot].Stopped ? Host.Start(_materializer) : _hosts[slot];
        if (!host.TryPost(new Job(graph, done)))
            RunAlone(graph, done);
    }

    private void RunAlone(IGraph<ClosedShape, Task> graph, TaskCompletionSource done)
    {
        try
        {
            _materializer.Materialize(graph);
        }
        catch (Exception e)
        {
            done.TrySetException(e);
        }
    }

    private sealed record Job(IGraph<ClosedShape, Task> Graph, TaskCompletionSource Done);

    /// <summary>One host: a graph whose only stage never completes and materializes each job it is handed next to itself.</summary>
    private sealed class Host
    {
        private volatile Action<Job>? _post;
        private volatile bool _stopped;

        public bool Stopped => _stopped;

        public static Host Start(IMaterializer materializer)
        {
            var host = new Host();
            var ended = Source.FromGraph(new HostStage(host)).RunWith(Sink.Ignore<NotUsed>(), materializer);
            ended.ContinueWith(_ => host._stopped = true, TaskScheduler.Default);
            return host;
        }

        /// <summary>False until the host's stage has started, and once it has stopped: the caller runs the job alone then.</summary>
        public bool TryPost(Job job)
        {
            if (_stopped || _post is not { } post) return false;
            post(job);
            return true;
        }

        private sealed class HostStage(Host host) : GraphStage<SourceShape<NotUsed>>
        {
            private readonly Outlet<NotUsed> _out = new("stream-host.out");

            public override SourceShape<NotUsed> Shape => new(_out);

            protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this, host);

            private sealed class Logic : OutGraphStageLogic
            {
                private readonly Host _host;

                public Logic(HostStage stage, Host host) : base(stage.Shape)
                {
                    _host = host;
                    SetHandler(stage._out, this);
                }

                public override void PreStart() => _host._post = GetAsyncCallback<Job>(Start);

                public override void OnPull()
                {
                    // Never emits: the host lives as long as the actor system.
                }

                public override void PostStop() => _host._stopped = true;

                private void Start(Job job)
                {
                    try
                    {
                        SubFusingMaterializer.Materialize(job.Graph);
                    }
                    catch (Exception e)
                    {
                        job.Done.TrySetException(e);
                    }
                }
            }
        }
    }
}
