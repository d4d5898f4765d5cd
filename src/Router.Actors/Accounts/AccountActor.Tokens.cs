using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using Router.Actors.Telemetry;

namespace Router.Actors.Accounts;

/// <summary>
/// The token half of an account that signs in (OAuth, Clerk): it stores the credential a sign-in
/// gives it, renews the access token ahead of expiry (by timer) or when a call needs it, renews once
/// more on an upstream 401, and runs one renewal at a time: lease requests that arrive meanwhile
/// wait for its result instead of starting their own. Sharding makes that one-at-a-time cluster-wide.
/// </summary>
public sealed partial class AccountActor
{
    private static readonly TimeSpan LongestTimer = TimeSpan.FromHours(12);

    // Lease requests waiting for a renewal: who asked, and the request to answer.
    private readonly List<(IActorRef ReplyTo, AcquireLease Request)> _waitingForToken = new();
    private bool _renewing;
    private bool _renewedAfter401;
    // Grows with every new credential: a 401 on an older token says nothing about the current one.
    private int _credentialVersion;

    protected override void OnReplaySuccess()
    {
        _log.Debug("Account {0}: recovered in {1:0} ms", _spec.Name, Stopwatch.GetElapsedTime(_createdAt).TotalMilliseconds);
        if (ServeAsFailed()) return;
        // A session from config (ctonew's clerk.cookie) seeds an account that never stored its own.
        if (_spec.Tokens is not null && _state.Credential is null && !_state.IsSignedOut && _spec.Credential.Length > 0)
            _state = _state with { Credential = new Credential(_spec.Credential, Identity: _spec.Identity) };
        ScheduleRenewal();
        ProbeAtStart();
        RecoverLabel();
        Announce(); // a restarted or re-homed account tells every node where it stands
        base.OnReplaySuccess();
    }

    /// <summary>True when a lease can be decided now; false when the caller waits for a renewal.</summary>
    private bool TokenReady(IActorRef replyTo, AcquireLease request)
    {
        if (_state.Credential is not { } credential || _state.Health == AccountHealth.Unauthenticated)
            return true; // denied by TryLease
        if (!_renewing && !credential.NeedsRenewal(_clock(), _spec.Tokens!.RenewBefore))
            return true;
        _waitingForToken.Add((replyTo, request));
        replyTo.Tell(new LeaseDeferred(_spec.EntityId, request.CorrelationId));
        StartRenewal("the token expires soon or has expired");
        return false;
    }

    private void StartRenewal(string why)
    {
        if (_renewing || _state.Credential is not { } current) return;
        _renewing = true;
        _log.Info("Account {0}: renewing its token ({1})", _spec.Name, why);
        var version = _credentialVersion;
        var cts = new CancellationTokenSource(TokenPolicy.RenewalTimeout);
        _spec.Tokens!.Renewer.RenewAsync(current, cts.Token).ContinueWith(t =>
        {
            cts.Dispose();
            var outcome = t.IsCompletedSuccessfully ? t.Result
                : new RenewFailed(t.IsCanceled ? "the token server did not answer in time" : t.Exception!.GetBaseException().GetType().Name);
            return new RenewalFinished(outcome, version);
        }, TaskScheduler.Default).PipeTo(Self);
    }

    private void OnRenewalFinished(RenewalFinished finished)
    {
        _renewing = false;
        if (finished.Version != _credentialVersion)
        {
            ServeWaiting(); // a sign-in or sign-out replaced the credential meanwhile
            return;
        }
        var now = _clock();
        RouterMetrics.TokenRenewals.Add(1, MetricTags.ProviderAnd(_spec.Provider, "outcome", finished.Outcome switch
        {
            Renewed => "ok",
            RenewRefused => "refused",
            _ => "failed",
        }));
        switch (finished.Outcome)
        {
            case Renewed renewed:
                Store(renewed.Credential, "token renewed", replyTo: null);
                return;
            case RenewRefused refused:
                _log.Warning("Account {0}: token renewal refused ({1}); sign in again", _spec.Name, refused.Reason);
                PersistThenServe(new HealthChanged(AccountHealth.Unauthenticated, $"token renewal refused: {refused.Reason}"));
                return;
            case RenewFailed failed:
                var stillValid = _state.Credential is { } current && !current.IsExpired(now);
                _log.Warning("Account {0}: token renewal failed ({1}); {2}retrying in {3}s", _spec.Name, failed.Reason,
                    stillValid ? "the current token still works, " : "", TokenPolicy.RetryFailedRenewalAfter.TotalSeconds);
                Timers.StartSingleTimer("renew", new RenewNow("retrying a failed renewal"), TokenPolicy.RetryFailedRenewalAfter);
                if (stillValid)
                    ServeWaiting();
                else
                    PersistThenServe(new HealthChanged(AccountHealth.Unauthenticated, $"token renewal failed: {failed.Reason}; retrying"));
                return;
        }
    }

    private void OnStoreCredential(StoreCredential command)
    {
        Relabel(command.Label);
        Store(command.Credential, "signed in", Sender);
    }

    /// <summary>Persists a new credential (healthy again if it was not), mirrors it to its token file, re-arms the timer.</summary>
    private void Store(Credential credential, string why, IActorRef? replyTo)
    {
        _credentialVersion++;
        var events = new List<IAccountEvent> { new CredentialStored(credential) };
        if (_state.Health != AccountHealth.Healthy)
            events.Add(new HealthChanged(AccountHealth.Healthy, why));
        PersistAll(events, e => _state = _state.Apply(e));
        DeferAsync(why, _ =>
        {
            _log.Info("Account {0}: {1} (token expires {2:O})", _spec.Name, why, credential.ExpiresAt);
            if (_spec.Tokens?.MirrorFile is { } file)
                TokenFile.Write(file(credential), credential);
            ScheduleRenewal();
            Announce();
            ServeWaiting();
            replyTo?.Tell(Snapshot());
        });
    }

    private void OnSignOut()
    {
        var previous = _state.Credential;
        var replyTo = Sender;
        _credentialVersion++;
        Timers.Cancel("renew");
        Persist(new SignedOut("signed out"), e =>
        {
            _state = _state.Apply(e);
            if (previous is not null && _spec.Tokens?.MirrorFile is { } file)
                TokenFile.Delete(file(previous));
            _log.Info("Account {0}: signed out", _spec.Name);
            Announce();
            ServeWaiting();
            replyTo.Tell(Snapshot());
        });
    }

    /// <summary>
    /// An outcome that concerns the token. Returns true when handled here: a 401 on the current token
    /// renews it (the caller retries once); a 401 on an older token is ignored. A second 401 right after
    /// a renewal it caused falls through to the ordinary rule (unauthenticated).
    /// </summary>
    private bool TokenOutcome(CallOutcome outcome, LeaseRecord? leased)
    {
        if (outcome.Kind == OutcomeKind.Success) _renewedAfter401 = false;
        if (outcome.Kind != OutcomeKind.Unauthorized) return false;
        if (leased is { } l && l.CredentialVersion != _credentialVersion) return true;
        if (_renewing) return true; // the renewal under way answers this 401 too
        if (_renewedAfter401) return false;
        _renewedAfter401 = true;
        StartRenewal("the upstream answered 401");
        return true;
    }

    private void ScheduleRenewal()
    {
        Timers.Cancel("renew");
        if (_spec.Tokens is not { RenewByTimer: true } policy || _state.Credential is not { ExpiresAt: { } expires } credential) return;
        var due = expires - credential.Margin(policy.RenewBefore) - _clock();
        if (due < TimeSpan.Zero) due = TimeSpan.Zero;
        Timers.StartSingleTimer("renew", new RenewNow("the token expires in less than the renewal margin", Scheduled: true), due < LongestTimer ? due : LongestTimer);
    }

    private void OnRenewNow(RenewNow renew)
    {
        // A long wait is cut into timers of at most LongestTimer: only renew when it is really due.
        if (renew.Scheduled && _state.Credential is { } c && !c.NeedsRenewal(_clock(), _spec.Tokens!.RenewBefore))
            ScheduleRenewal();
        else
            StartRenewal(renew.Why);
    }

    private void PersistThenServe(IAccountEvent e) => Persist(e, applied =>
    {
        _state = _state.Apply(applied);
        Announce();
        ServeWaiting();
    });

    private void ServeWaiting()
    {
        foreach (var (replyTo, request) in _waitingForToken)
            if (!Overdue(request))
                replyTo.Tell(TryLease(replyTo, request.CorrelationId));
        _waitingForToken.Clear();
        ServeLoans();
    }

    private IReadOnlyDictionary<string, string>? AccountHeaders() =>
        _spec.Tokens?.AccountHeader is { } header && _state.Credential?.AccountId is { } id
            ? new Dictionary<string, string> { [header] = id }
            : null;

    private sealed record RenewalFinished(RenewOutcome Outcome, int Version);

    private sealed record RenewNow(string Why, bool Scheduled = false);
}
