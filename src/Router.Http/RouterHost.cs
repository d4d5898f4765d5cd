using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Router.Actors.Configuration;
using Router.Actors.Hosting;
using Router.Actors.Providers;
using Router.Actors.Relay;
using Router.Http.Relay;
using Router.Actors.SignIn;
using Router.Persistence;
using Serilog;
using Router.Http.ClientKeys;
using Router.Http.Endpoints;
using Router.Http.Reload;
using Router.Http.Errors;
using Router.Http.Security;
using Router.Protocols;
using Router.Protocols.Canonical;

namespace Router.Http;

/// <summary>Builds the router's web application from a loaded config: Kestrel, the actor system, the endpoints.</summary>
public static class RouterHost
{
    /// <param name="extraLogging">Lets tests add a log sink (to prove no secret is ever logged).</param>
    /// <param name="console">False for a router started in the background: it logs to its file only.</param>
    public static WebApplication Build(RouterConfig config, Action<ILoggingBuilder>? extraLogging = null, bool console = true)
    {
        StartupClock.Mark("host_build");
        var relayAddress = new RelayAddress();
        var original = config;
        config = WorkerServices.Prepare(config, relayAddress);
        // Before any file is written: logs, the database, token files and keys are the owner's alone.
        OwnerOnlyFiles.RestrictProcessUmask();
        // Settings come from config.unified.yaml alone. The host's appsettings*.json sources would watch
        // the working directory tree, waking the router at every file written there: no watching, and
        // the sources go.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
            ContentRootPath = AppContext.BaseDirectory,
        });
        foreach (var file in builder.Configuration.Sources.OfType<Microsoft.Extensions.Configuration.FileConfigurationSource>().ToList())
            builder.Configuration.Sources.Remove(file);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(config.Server.ShutdownTimeout));
        var logLevel = new LiveLogLevel(config.Logging);
        ConfigureLogging(builder.Logging, config.Logging, logLevel, console);
        extraLogging?.Invoke(builder.Logging);
        builder.WebHost.UseSockets(sockets => sockets.Backlog = ConnectionLimit.ListenBacklog);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = config.Server.MaxBodyBytes;
            kestrel.Limits.MaxConcurrentConnections = ConnectionLimit.For(config.Server.MaxConnections, config.Providers);
            kestrel.AddServerHeader = false;
            RequestLimits.Apply(kestrel.Limits);
            kestrel.ConfigureEndpointDefaults(KestrelErrorBodies.Use);
            Listen(kestrel, config.Server.Host, config.Server.Port);
        });

        var http = UpstreamHttp.CreateClient();
        var relay = new RelayHub();
        var providers = config.Providers.Select(p => ProviderDefinition.From(p, http, config.Auth.Dir, relay)).ToList();
        builder.Services.AddSingleton(config);
        builder.Services.AddSingleton(http);
        builder.Services.AddClientKeys(config);
        builder.Services.AddSingleton(logLevel);
        builder.Services.AddSingleton<ConfigReloader>();
        builder.Services.AddHostedService<ReloadTriggers>();
        builder.Services.AddSingleton<FrontDoor>();
        builder.Services.AddSingleton<AnswerWriter>();
        builder.Services.AddSingleton<ManagementGuard>();
        builder.Services.AddSingleton<Admin.RequestFeed>();
        builder.Services.AddSingleton<RequestLog>();
        builder.Services.AddSingleton<PendingSignIns>(services => new PendingSignIns(
            services.GetRequiredService<Akka.Hosting.IRequiredActor<SignInRegion>>(), SecretSealer.ForAuthDirectory(config.Auth.Dir)));
        builder.Services.AddSingleton<AccountSignIn>();
        builder.Services.AddSingleton(relay);
        builder.Services.AddSingleton<RelayWorkers>();
        builder.Services.AddSingleton<WorkerGate>();
        builder.Services.AddRouterActors(config, providers, Path.Combine(AppContext.BaseDirectory, "hocon"), http);
        builder.Services.AddHostedService<RequestPathWarmup>(); // after Akka's, so the actor system runs
        builder.Services.AddHostedService<GracefulDrain>();
        builder.Services.AddRouterTelemetry(config);
        builder.Services.AddRouterSecurity(config);

        var app = builder.Build();
        StartupClock.Mark("host_built");
        app.Lifetime.ApplicationStarted.Register(() => StartupClock.Mark("listening"));
        app.UseRequestLog(); // outermost: it logs the answer every inner layer wrote, 500s included
        app.UseMiddleware<ErrorAnswers>();
        app.UseExceptionHandler(ErrorAnswers.ExceptionOptions());
        app.UseRouterSecurity();
        InferenceEndpoints.Map(app);
        ModelsEndpoint.Map(app);
        HealthEndpoint.Map(app);
        LlmuxEndpoints.Map(app);
        CtoNewEndpoints.Map(app);
        ManagementEndpoints.Map(app);
        UsageEndpoints.Map(app);
        MetricsEndpoint.Map(app, config);
        Admin.AdminPage.Map(app);
        Admin.ConfigEditorEndpoints.Map(app);
        Admin.RequestTailEndpoint.Map(app);
        KeyEndpoints.Map(app);
        ReloadEndpoint.Map(app);
        ClusterEndpoints.Map(app);
        DiagnosticsEndpoints.Map(app);
        Diagnostics.RuntimeEndpoint.Map(app);
        RelayEndpoint.Map(app, config);
        AiStudioEndpoints.Map(app);
        WorkerServices.StartWhenListening(app, original, relayAddress);

        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Router");
        foreach (var disabled in providers.Where(p => p.DisabledReason is not null))
            log.LogInformation("Provider {Provider} is disabled: {Reason}", disabled.Name, disabled.DisabledReason);
        return app;
    }

    /// <summary>The address Kestrel really listens on (the port is chosen by the OS when config says 0).</summary>
    public static Uri BoundAddress(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    private static void Listen(Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions kestrel, string host, int port)
    {
        if (host == "localhost") kestrel.ListenLocalhost(port);
        else if (host is "0.0.0.0" or "*") kestrel.ListenAnyIP(port);
        else kestrel.Listen(IPAddress.Parse(host), port);
    }

    private static void ConfigureLogging(ILoggingBuilder logging, LoggingConfig config, LiveLogLevel level, bool console)
    {
        logging.ClearProviders();
        if (console)
            logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
        logging.AddSerilog(RouterLogFile.Create(config, level.Switch), dispose: true);
        // logging.level can change by a reload: every sink asks the live level.
        logging.SetMinimumLevel(LogLevel.Trace);
        logging.AddFilter((_, _, l) => level.Allows(l));
        foreach (var category in RouterLogFile.QuietCategories)
            logging.AddFilter(category, LogLevel.Warning);
        // ASP.NET's own per-request lines: the request log (RequestLog) says more. Off, the host makes no
        // Activity and no log scope per request (it makes them whenever this logger is enabled). Serilog's
        // provider comes with a rule of its own that lets every category through (its own levels decide), and
        // a provider's rule outranks any rule for all providers: it needs this one too.
        logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        logging.AddFilter<Serilog.Extensions.Logging.SerilogLoggerProvider>("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
    }
}
