using System.Security.Cryptography;
using System.Text;
using System.Buffers.Text;
using Akka.Actor;
using Akka.Hosting;
using Router.Persistence;

namespace Router.Actors.SignIn;

/// <summary>One started sign-in: which provider, and the PKCE verifier its callback must present.</summary>
public sealed record PendingSignIn(string Provider, string Verifier, DateTimeOffset Expires)
{
    public override string ToString() => $"PendingSignIn {{ Provider = {Provider} }}";
}

/// <summary>
/// The `state` values of sign-ins in progress, kept server-side: random, single use, expiring after
/// ten minutes. Each lives in a sharded entity (PendingSignInActor), so a callback that reaches any
/// node of a cluster finds it; the verifier it holds is sealed with the auth dir's key ring. A
/// callback whose state is unknown, used or expired is refused.
/// </summary>
public sealed class PendingSignIns(IRequiredActor<SignInRegion> region, SecretSealer sealer, Func<DateTimeOffset>? clock = null)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(5);

    private readonly Func<DateTimeOffset> _clock = clock ?? (() => DateTimeOffset.UtcNow);

    /// <summary>Starts a sign-in: answers its state and the S256 challenge of a fresh verifier, once the cluster knows the state.</summary>
    public async Task<(string State, string Challenge)> StartAsync(string provider, CancellationToken cancellationToken)
    {
        var verifier = RandomToken();
        var state = RandomToken();
        await region.ActorRef.Ask<SignInRemembered>(new RememberSignIn(state, provider, sealer.Seal(verifier), _clock() + Lifetime), AskTimeout, cancellationToken);
        return (state, Challenge(verifier));
    }

    /// <summary>Takes the sign-in of a state once; null when unknown, already used, or expired.</summary>
    public async Task<PendingSignIn?> TakeAsync(string? state, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(state) || state.Length > 128) return null;
        var answer = await region.ActorRef.Ask<ISignInCommand>(new TakeSignIn(state), AskTimeout, cancellationToken);
        return answer is SignInTaken taken && taken.Expires > _clock()
            ? new PendingSignIn(taken.Provider, sealer.Unseal(taken.SealedVerifier), taken.Expires)
            : null;
    }

    /// <summary>RFC 7636: BASE64URL(SHA256(ASCII(verifier))).</summary>
    public static string Challenge(string verifier) => Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));

    /// <summary>32 random bytes, base64url: 43 characters, within PKCE's 43..128.</summary>
    private static string RandomToken() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
}
