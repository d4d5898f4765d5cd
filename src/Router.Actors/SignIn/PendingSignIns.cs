using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Buffers.Text;

namespace Router.Actors.SignIn;

/// <summary>One started sign-in: which provider, and the PKCE verifier its callback must present.</summary>
public sealed record PendingSignIn(string Provider, string Verifier, DateTimeOffset Expires)
{
    public override string ToString() => $"PendingSignIn {{ Provider = {Provider} }}";
}

/// <summary>
/// The `state` values of sign-ins in progress, kept server-side: random, single use, expiring after
/// ten minutes. A callback whose state is unknown, used or expired is refused.
/// </summary>
public sealed class PendingSignIns(Func<DateTimeOffset>? clock = null)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<string, PendingSignIn> _byState = new();
    private readonly Func<DateTimeOffset> _clock = clock ?? (() => DateTimeOffset.UtcNow);

    /// <summary>Starts a sign-in: answers its state and the S256 challenge of a fresh verifier.</summary>
    public (string State, string Challenge) Start(string provider)
    {
        var now = _clock();
        foreach (var (state, pending) in _byState)
            if (pending.Expires <= now) _byState.TryRemove(state, out _);

        var verifier = RandomToken();
        var newState = RandomToken();
        _byState[newState] = new PendingSignIn(provider, verifier, now + Lifetime);
        return (newState, Challenge(verifier));
    }

    /// <summary>Takes the sign-in of a state once; null when unknown, already used, or expired.</summary>
    public PendingSignIn? Take(string? state) =>
        state is not null && _byState.TryRemove(state, out var pending) && pending.Expires > _clock() ? pending : null;

    /// <summary>RFC 7636: BASE64URL(SHA256(ASCII(verifier))).</summary>
    public static string Challenge(string verifier) => Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));

    /// <summary>32 random bytes, base64url: 43 characters, within PKCE's 43..128.</summary>
    private static string RandomToken() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
}
