using Microsoft.AspNetCore.Cors.Infrastructure;
using Router.Actors.Configuration;

namespace Router.Http.Security;

/// <summary>
/// Wires the browser defences into the router: Host and origin gate, CORS for server.cors_origins,
/// JSON-only bodies. Nothing here trusts forwarded headers: no forwarded-headers middleware is added.
/// </summary>
public static class SecurityRegistration
{
    /// <summary>Headers a trusted page may read from an answer (besides the CORS-safelisted ones).</summary>
    private static readonly string[] ExposedHeaders = ["retry-after"];

    public static IServiceCollection AddRouterSecurity(this IServiceCollection services, RouterConfig config)
    {
        var origins = new BrowserOrigins(config.Server);
        services.AddSingleton(new TrustedHosts(config.Server));
        services.AddSingleton(origins);
        // Trusted origins may send any request header (SDKs add their own, e.g. x-stainless-*);
        // the origin check is what keeps other pages out. No cookies are used, so no credentials.
        services.AddCors(cors => cors.AddDefaultPolicy(policy => policy
            .SetIsOriginAllowed(origins.IsTrusted)
            .WithMethods("GET", "POST", "DELETE")
            .AllowAnyHeader()
            .WithExposedHeaders(ExposedHeaders)
            .SetPreflightMaxAge(TimeSpan.FromMinutes(10))));
        return services;
    }

    public static WebApplication UseRouterSecurity(this WebApplication app)
    {
        app.UseMiddleware<HostAndOriginGate>();
        app.Use(Cors(app.Services));
        app.UseMiddleware<JsonBodyGate>();
        return app;
    }

    /// <summary>
    /// ASP.NET Core's CORS middleware with its policy provider resolved once. UseCors() asks the container for a
    /// new (transient, stateless) policy provider on every request, and with dynamic code off it binds that
    /// argument by reflection: 3-4 % of the router's CPU on a JSON answer.
    /// </summary>
    private static Func<RequestDelegate, RequestDelegate> Cors(IServiceProvider services) => next =>
    {
        var cors = new CorsMiddleware(next, services.GetRequiredService<ICorsService>(), services.GetRequiredService<ILoggerFactory>());
        var policies = services.GetRequiredService<ICorsPolicyProvider>();
        return context => cors.Invoke(context, policies);
    };
}
