using Akka.Actor;

namespace Router.Actors.Accounts;

/// <summary>
/// Lending an account to a provider's LeaseBroker (LendAccount): the broker then leases it on every
/// request without a message while the loan holds. A token is lent only while fresh: a provider that
/// asks while the token is due (or being renewed) hears back once the one renewal under way is over.
/// The broker stops at the loan's end (the renewal margin), so the renewal stays here.
/// </summary>
public sealed partial class AccountActor
{
    // Providers that asked for a loan while the token was being renewed.
    private readonly List<IActorRef> _lendAfterRenewal = new();

    private void OnLend(IActorRef provider)
    {
        if (_spec.Tokens is { } tokens && _state.Credential is { AccessToken: not null } credential && _state.Health != AccountHealth.Unauthenticated
            && (_renewing || credential.NeedsRenewal(_clock(), tokens.RenewBefore)))
        {
            _lendAfterRenewal.Add(provider);
            StartRenewal("the token expires soon or has expired");
            return;
        }
        provider.Tell(Loan(provider));
    }

    private void ServeLoans()
    {
        foreach (var provider in _lendAfterRenewal)
            provider.Tell(Loan(provider));
        _lendAfterRenewal.Clear();
    }

    private object Loan(IActorRef provider)
    {
        var now = _clock();
        if (_gate is not null && provider is not IInternalActorRef { IsLocal: true })
            return new LoanRefused(_spec.EntityId, "its slots are counted on the node where it lives", Elsewhere: true);
        if (_state.EffectiveHealth(now) != AccountHealth.Healthy || _state.IsSignedOut)
            return new LoanRefused(_spec.EntityId, "not healthy");
        if (_spec.Tokens is null)
            return new AccountLoan(_spec.EntityId, _spec.Credential, null, Renewable: false, null, null, _spec.MaxInFlight, _credentialVersion);
        if (_state.Credential is not { AccessToken: { } token } credential || credential.NeedsRenewal(now, _spec.Tokens.RenewBefore))
            return new LoanRefused(_spec.EntityId, "no fresh token");
        var until = credential.ExpiresAt is { } expires ? expires - credential.Margin(_spec.Tokens.RenewBefore) : (DateTimeOffset?)null;
        return new AccountLoan(_spec.EntityId, token, AccountHeaders(), Renewable: true, until, credential.ExpiresAt, _spec.MaxInFlight, _credentialVersion);
    }
}
