using Router.Actors.Accounts;
using Router.Actors.SignIn;

namespace Router.Actors.Serialization;

/// <summary>
/// Every type the router stores or sends between nodes, with its manifest: adding one is one line here
/// (RouterSerializer binds it, SerializationBindingTests checks nothing was left out).
/// </summary>
public static class Manifests
{
    public static readonly ManifestTable Table = new ManifestTable()
        // Account events and snapshot (journal and snapshot store).
        .Stored<CooldownStarted>("account.cooldown-started.v1")
        .Stored<HealthChanged>("account.health-changed.v1")
        .Stored<CredentialStored>("account.credential-stored.v1")
        .Alias<CredentialStored>("CredentialStored.v1")
        .Stored<SignedOut>("account.signed-out.v1")
        .Stored<ProbeScheduled>("account.probe-scheduled.v1")
        .Stored<AccountLabelled>("account.labelled.v1")
        .Stored<AccountReset>("account.reset.v1")
        .Stored<AccountState>("account.state.v1")
        .Alias<AccountState>("AccountState.v1")
        // Roster events.
        .Stored<RosterActor.MemberJoined>("roster.member-joined.v1")
        .Stored<RosterActor.MemberLeft>("roster.member-left.v1")
        // Account protocol (a provider on one node, the account entity on another).
        .Message<AcquireLease>("account.acquire-lease.v1")
        .Message<LeaseGranted>("account.lease-granted.v1")
        .Message<LeaseDenied>("account.lease-denied.v1")
        .Message<LeaseDeferred>("account.lease-deferred.v1")
        .Message<Lease>("account.lease.v1")
        .Message<ReportOutcome>("account.report-outcome.v1")
        .Message<OutcomeRecorded>("account.outcome-recorded.v1")
        .Message<ReportSuccesses>("account.report-successes.v1")
        .Message<LendAccount>("account.lend.v1")
        .Message<AccountLoan>("account.loan.v1")
        .Message<LoanRefused>("account.loan-refused.v1")
        .Message<GetAccountStatus>("account.get-status.v1")
        .Message<AccountSnapshot>("account.snapshot.v1")
        .Message<StoreCredential>("account.store-credential.v1")
        .Message<SignOut>("account.sign-out.v1")
        .Message<ResetAccount>("account.reset-command.v1")
        .Message<CallOutcome>("account.call-outcome.v1")
        .Message<AccountCounters>("account.counters.v1")
        .Message<Credential>("account.credential.v1")
        // Roster protocol.
        .Message<JoinRoster>("roster.join.v1")
        .Message<LeaveRoster>("roster.leave.v1")
        .Message<GetRoster>("roster.get.v1")
        .Message<RosterMembers>("roster.members.v1")
        .Message<RosterMember>("roster.member.v1")
        // A relay worker's liveness, told to its account by the node that holds the socket.
        .Message<ReportLiveness>("account.report-liveness.v1")
        // Pending OAuth sign-ins (one sharded entity per state); the PKCE verifier travels sealed by the key ring.
        .Message<RememberSignIn>("signin.remember.v1")
        .Message<SignInRemembered>("signin.remembered.v1")
        .Message<TakeSignIn>("signin.take.v1")
        .Message<SignInTaken>("signin.taken.v1")
        .Message<SignInUnknown>("signin.unknown.v1");
}
