using Router.Actors.Configuration;

namespace Router.Http.Security;

/// <summary>
/// First gate of every request: a Host the router does not answer to gets 421; a CORS preflight
/// goes on (to the CORS policy) only from a server.cors_origins origin, else 403; a foreign browser
/// origin gets 403 wherever <see cref="RequestSurface.OriginPolicyFor"/> says it matters.
/// </summary>
public sealed class HostAndOriginGate(RequestDelegate next, TrustedHosts hosts, BrowserOrigins origins, RouterConfig config)
{
    private readonly bool _clientKeysSet = config.Server.ApiKeys.Any(k => k.Length > 0);

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (!hosts.Allows(request.Host))
            return Refusal.MisdirectedAsync(context);
        if (IsPreflight(request))
            return origins.IsTrusted(request.Headers.Origin.ToString()) ? next(context) : Refusal.ForeignOriginAsync(context);
        if (OriginMatters(request.Path) && origins.IsForeign(request))
            return Refusal.ForeignOriginAsync(context);
        return next(context);
    }

    private bool OriginMatters(PathString path) => RequestSurface.OriginPolicyFor(path) switch
    {
        OriginPolicy.Always => true,
        OriginPolicy.WithoutClientKeys => !_clientKeysSet,
        _ => false,
    };

    private static bool IsPreflight(HttpRequest request) =>
        HttpMethods.IsOptions(request.Method) && request.Headers.ContainsKey("Access-Control-Request-Method");
}
