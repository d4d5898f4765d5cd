using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.Hosting;
using Router.Actors.Dispatch;
using Router.Persistence.Usage;
using Router.Protocols.Canonical;

namespace Router.Actors.Telemetry;

/// <summary>Where a finished request's usage goes: added to this node's tally, which the ledger actor writes out.</summary>
public sealed class UsageLedger(IRequiredActor<UsageLedgerActor> ledger, UsageStore store, UsageTally tally)
{
    private static (DateOnly Day, string Text) _today;

    public UsageStore Store => store;

    /// <param name="clientKey">The client key's name (ClientKeyName), never the key.</param>
    /// <param name="model">The model label (RequestObservation.LabelModel).</param>
    public void Record(string clientKey, string model, DispatchResult? answer, Usage? usage, bool failed) =>
        tally.Add(
            new UsageKey(clientKey, answer?.Provider ?? MetricTags.None, answer?.Account ?? MetricTags.None, model, Today()),
            new UsageCounts(1, usage?.InputTokens ?? 0, usage?.OutputTokens ?? 0, usage?.CachedInputTokens ?? 0, failed ? 1 : 0));

    /// <summary>Waits until everything recorded so far is stored; false when the database did not take it.</summary>
    public async Task<bool> FlushAsync(TimeSpan wait, CancellationToken cancellationToken) =>
        (await ledger.ActorRef.Ask<UsageFlushed>(FlushUsage.Instance, wait, cancellationToken)).Stored;

    /// <summary>Today (UTC) as yyyy-MM-dd, made once a day rather than once a request.</summary>
    private static string Today()
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var cached = _today;
        if (cached.Day == today && cached.Text is not null) return cached.Text;
        _today = cached = (today, today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        return cached.Text;
    }
}

/// <summary>
/// Stores the ledger's last sums when the router stops: registered after the actor system and before
/// the drain, so it stops after in-flight requests finished and before the actors go.
/// </summary>
public sealed class UsageFlushOnStop(UsageLedger ledger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await ledger.FlushAsync(TimeSpan.FromSeconds(10), cancellationToken);
        }
        catch (Exception e) when (e is AskTimeoutException or OperationCanceledException)
        {
            // The actor's PostStop writes what is left.
        }
    }
}
