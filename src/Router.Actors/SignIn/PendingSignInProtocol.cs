namespace Router.Actors.SignIn;

// Messages of PendingSignInActor: one sharded entity per sign-in `state`, so the callback of a
// sign-in started on one node is answered on any node. The PKCE verifier only ever travels sealed
// (SecretSealer, the key ring every node of a cluster shares): no node, log or message holds it in clear
// except the node that made it and the node that exchanges the code.

public interface ISignInCommand
{
    string State { get; }
}

/// <summary>Tell: remember a started sign-in until <paramref name="Expires"/>. Answer: SignInRemembered.</summary>
public sealed record RememberSignIn(string State, string Provider, string SealedVerifier, DateTimeOffset Expires) : ISignInCommand
{
    public override string ToString() => $"RememberSignIn {{ Provider = {Provider} }}";
}

public sealed record SignInRemembered(string State) : ISignInCommand;

/// <summary>Tell: take the sign-in of this state, once. Answer: SignInTaken, or SignInUnknown when it is unknown, used or expired.</summary>
public sealed record TakeSignIn(string State) : ISignInCommand;

public sealed record SignInTaken(string State, string Provider, string SealedVerifier, DateTimeOffset Expires) : ISignInCommand
{
    public override string ToString() => $"SignInTaken {{ Provider = {Provider} }}";
}

public sealed record SignInUnknown(string State) : ISignInCommand;
