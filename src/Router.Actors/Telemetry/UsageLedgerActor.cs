using Akka.Actor;
using Akka.Event;
using Router.Persistence.Usage;

namespace Router.Actors.Telemetry;

/// <summary>Writes what is held now; answered with UsageFlushed once it is stored (or failed to be).</summary>
public sealed class FlushUsage
{
    public static readonly FlushUsage Instance = new();
}

public sealed record UsageFlushed(bool Stored);

/// <summary>
/// This node's usage ledger: takes the sums requests left in the UsageTally and writes them to the
/// database every few seconds, off the request path, one write at a time. What a write could not
/// store is kept and tried again, so a database hiccup loses nothing. Asked to flush (before a usage
/// query, at shutdown), it answers once everything recorded before the ask is stored.
/// </summary>
public sealed class UsageLedgerActor : ReceiveActor, IWithTimers
{
    public static readonly TimeSpan FlushEvery = TimeSpan.FromSeconds(5);

    private readonly UsageStore _store;
    private readonly UsageTally _tally;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private Dictionary<UsageKey, UsageCounts> _pending = new();
    private Dictionary<UsageKey, UsageCounts>? _writing;
    private readonly List<IActorRef> _waiting = new();

    public ITimerScheduler Timers { get; set; } = null!;

    public UsageLedgerActor(UsageStore store, UsageTally tally)
    {
        _store = store;
        _tally = tally;
        Receive<Tick>(_ => StartWrite());
        Receive<FlushUsage>(_ =>
        {
            _waiting.Add(Sender);
            StartWrite();
        });
        Receive<WriteFinished>(OnWriteFinished);
    }

    public static Props PropsFor(UsageStore store, UsageTally tally) => Props.Create(() => new UsageLedgerActor(store, tally));

    protected override void PreStart() => Timers.StartPeriodicTimer("flush", Tick.Instance, FlushEvery);

    /// <summary>The last sums go out before the actor is gone (the router stopping without a flush first).</summary>
    protected override void PostStop()
    {
        _tally.TakeInto(_pending);
        if (_pending.Count == 0) return;
        try
        {
            _store.AddAsync(Rows(_pending)).Wait(TimeSpan.FromSeconds(5));
        }
        catch (Exception e)
        {
            _log.Warning("Usage: {0} rows could not be stored at shutdown: {1}", _pending.Count, e.GetBaseException().Message);
        }
    }

    private void StartWrite()
    {
        if (_writing is not null) return; // one write at a time; the next starts when it finishes
        _tally.TakeInto(_pending);
        if (_pending.Count == 0)
        {
            Answer(stored: true);
            return;
        }
        _writing = _pending;
        _pending = new Dictionary<UsageKey, UsageCounts>();
        _store.AddAsync(Rows(_writing)).ContinueWith(t => new WriteFinished(t.IsCompletedSuccessfully ? null : t.Exception?.GetBaseException().Message ?? "cancelled"),
            TaskScheduler.Default).PipeTo(Self);
    }

    private void OnWriteFinished(WriteFinished finished)
    {
        var written = _writing!;
        _writing = null;
        if (finished.Error is not null)
        {
            _log.Warning("Usage: {0} rows could not be stored ({1}); keeping them for the next write", written.Count, finished.Error);
            foreach (var (key, counts) in written)
                _pending[key] = _pending.TryGetValue(key, out var sum) ? sum.Add(counts) : counts;
            Answer(stored: false);
            return;
        }
        // Someone waits for a flush and more arrived meanwhile: write that too before answering.
        if (_waiting.Count > 0 && _pending.Count > 0) StartWrite();
        else Answer(stored: true);
    }

    private void Answer(bool stored)
    {
        foreach (var waiter in _waiting) waiter.Tell(new UsageFlushed(stored));
        _waiting.Clear();
    }

    private static List<UsageRow> Rows(Dictionary<UsageKey, UsageCounts> sums) => sums.Select(s => new UsageRow(s.Key, s.Value)).ToList();

    private sealed record WriteFinished(string? Error);

    private sealed class Tick
    {
        public static readonly Tick Instance = new();
    }
}
