using Akka.Actor;
using Router.Actors.Accounts;

namespace Router.Actors.Providers;

/// <summary>
/// The broker's leases on accounts whose credential the provider does not hold itself: signed-in tokens,
/// relay workers, and accounts with a slot limit. The provider asks a healthy account for a loan
/// (LendAccount) and publishes it to the broker until the loan's end; it asks again when the account's
/// token changes (a renewal, a new sign-in) or an upstream refused the lent token (the account renews
/// it, one renewal at a time, and answers once it has). A refused ask is repeated at most once a second
/// (every 15 s for a slot-limited account that lives on another node).
/// </summary>
public sealed partial class ProviderActor
{
    private static readonly TimeSpan AskLoanAgainAfter = TimeSpan.FromSeconds(1);
    // A slot-limited account on another node lends only where it lives: ask now and then (it may move here).
    private static readonly TimeSpan AskElsewhereAgainAfter = TimeSpan.FromSeconds(15);

    private readonly Dictionary<string, AccountLoan> _loans = new();
    private readonly HashSet<string> _lending = new();
    // When a refused account may be asked again.
    private readonly Dictionary<string, DateTimeOffset> _loanRefusedAt = new();
    // The slot gate published with each slot-limited loan: a restarted account on this node has a new one.
    private readonly Dictionary<string, SlotGate?> _lentGates = new();

    /// <summary>Asks the account for a loan when the broker could use one and has none that is current.</summary>
    private void ConsiderLoan(AccountSnapshot account)
    {
        var id = account.EntityId;
        if (_broker is null || _retiring || _brokerable.ContainsKey(id) || _lending.Contains(id)) return;
        if (account.Health != AccountHealth.Healthy || !_confirmed.Contains(id)) return;
        if (_loans.TryGetValue(id, out var loan) && loan.TokenExpiresAt == account.TokenExpiresAt)
        {
            if (loan.MaxInFlight > 0 && _lentGates.GetValueOrDefault(id) != SlotGates.For(Context.System).Find(id)) PublishReady();
            return;
        }
        if (_loanRefusedAt.TryGetValue(id, out var askAgainAt) && _clock() < askAgainAt) return;
        AskLoan(id);
    }

    private void AskLoan(string entityId)
    {
        _lending.Add(entityId);
        _accounts.Tell(new LendAccount(entityId));
    }

    private void OnLoan(AccountLoan loan)
    {
        _lending.Remove(loan.EntityId);
        if (!_view.ContainsKey(loan.EntityId)) return; // signed out meanwhile
        _loanRefusedAt.Remove(loan.EntityId);
        _loans[loan.EntityId] = loan;
        PublishReady();
    }

    private void OnLoanRefused(LoanRefused refused)
    {
        _lending.Remove(refused.EntityId);
        _loanRefusedAt[refused.EntityId] = _clock() + (refused.Elsewhere ? AskElsewhereAgainAfter : AskLoanAgainAfter);
        if (_loans.Remove(refused.EntityId)) PublishReady();
    }

    /// <summary>The upstream refused a lent token: the broker stops using it, and the account lends the renewed one.</summary>
    private void TokenRefused(Lease lease)
    {
        if (!lease.Renewable || _loans.GetValueOrDefault(lease.EntityId)?.CredentialVersion != lease.CredentialVersion) return;
        _loans.Remove(lease.EntityId);
        PublishReady();
        if (!_lending.Contains(lease.EntityId)) AskLoan(lease.EntityId);
    }

    /// <summary>An account left the view (signed out, its worker went away): its loan goes too.</summary>
    private void ForgetLoan(string entityId)
    {
        _loanRefusedAt.Remove(entityId);
        _lentGates.Remove(entityId);
        if (_loans.Remove(entityId)) PublishReady();
    }

    private void ConsiderLoans()
    {
        foreach (var account in _view.Values) ConsiderLoan(account);
    }

    /// <summary>The broker's entry for a lent account; null when its slots are counted on another node.</summary>
    private LeaseBroker.ReadyAccount? Lent(AccountSnapshot account, AccountLoan loan)
    {
        SlotGate? gate = null;
        if (loan.MaxInFlight > 0 && (_lentGates[account.EntityId] = gate = SlotGates.For(Context.System).Find(account.EntityId)) is null) return null;
        return new LeaseBroker.ReadyAccount(account.EntityId, account.Name, loan.Credential, account.CooldownUntil,
            loan.ValidUntil, loan.AccountHeaders, loan.Renewable, loan.CredentialVersion, gate);
    }
}
