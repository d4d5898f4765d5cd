using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Router.Actors.Configuration;

namespace Router.Tests.Fakes;

/// <summary>
/// A loopback Clerk token endpoint: takes the session's rotating token (form field rotating_token),
/// answers {"jwt": ...} with an `exp`, or Clerk's error shape when told to refuse. Counts exchanges
/// and keeps every JWT it issued, so tests can check none leaked and the API fake can check them.
/// </summary>
public sealed class FakeClerk : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, DateTimeOffset> _jwts = new();
    private int _exchanges;

    public string BaseUrl { get; }
    public string RotatingToken { get; } = "rot-" + Guid.NewGuid().ToString("N");
    public TimeSpan JwtLifetime { get; set; } = TimeSpan.FromMinutes(1);
    public TimeSpan Delay { get; set; } = TimeSpan.Zero;
    public bool Refuse { get; set; }
    public int Exchanges => _exchanges;
    public IEnumerable<string> IssuedJwts => _jwts.Keys;
    /// <summary>When the last JWT issued so far expires (the latest expiry of all of them).</summary>
    public DateTimeOffset LatestExpiry => _jwts.Values.DefaultIfEmpty().Max();

    /// <summary>A session cookie as the browser holds it: a JWT whose payload names the session and its rotating token.</summary>
    public string Cookie => FakeOAuthServer.UnsignedJwt(new JsonObject { ["sid"] = "sess_test1", ["rotating_token"] = RotatingToken, ["iss"] = "https://clerk.example" });

    private FakeClerk(WebApplication app, Uri address)
    {
        _app = app;
        BaseUrl = $"http://127.0.0.1:{address.Port}";
    }

    public static async Task<FakeClerk> StartAsync()
    {
        FakeClerk? clerk = null;
        var (app, address) = await Loopback.StartAsync(context => clerk!.HandleAsync(context));
        clerk = new FakeClerk(app, address);
        return clerk;
    }

    public ClerkConfig Config(string cookie = "") => new() { TokenUrl = BaseUrl + "/v1/tokens/create", Cookie = cookie };

    /// <summary>A ctonew provider named "ctonew" (model ctonew-gpt-5) on <paramref name="engineLabs"/>, which from now on accepts only this Clerk's live JWTs.</summary>
    public ProviderConfig CtoNewProvider(FakeUpstream engineLabs)
    {
        engineLabs.Authorize = c => IsValid(c.Request.Headers.Authorization.ToString().Replace("Bearer ", ""));
        return new ProviderConfig { Name = "ctonew", Type = "ctonew", BaseUrl = engineLabs.BaseUrl, Timeout = 10, Clerk = Config(), Models = ["ctonew-gpt-5"] };
    }

    public bool IsValid(string? jwt) => jwt is not null && _jwts.TryGetValue(jwt, out var until) && until > DateTimeOffset.UtcNow;

    private async Task HandleAsync(HttpContext context)
    {
        if (context.Request.Method != "POST" || context.Request.Path != "/v1/tokens/create" || !context.Request.HasFormContentType)
        {
            context.Response.StatusCode = 404;
            return;
        }
        Interlocked.Increment(ref _exchanges);
        await Task.Delay(Delay);
        var form = await context.Request.ReadFormAsync();
        context.Response.ContentType = "application/json";
        if (Refuse || form["rotating_token"] != RotatingToken)
        {
            context.Response.StatusCode = 401;
            await context.Response.WriteAsync("""{"errors":[{"message":"Unauthenticated","long_message":"Signed out: the session has ended","code":"signed_out"}]}""");
            return;
        }
        var expires = DateTimeOffset.UtcNow + JwtLifetime;
        var jwt = FakeOAuthServer.UnsignedJwt(new JsonObject { ["sid"] = "sess_test1", ["exp"] = expires.ToUnixTimeSeconds(), ["jti"] = Guid.NewGuid().ToString("N") });
        _jwts[jwt] = expires;
        await context.Response.WriteAsync(new JsonObject { ["object"] = "token", ["jwt"] = jwt }.ToJsonString());
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(TimeSpan.FromSeconds(2)).WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { });
        await _app.DisposeAsync();
    }
}
