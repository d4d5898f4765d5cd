using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Router.Actors.Configuration;
using Router.Tests.Fakes;
using static Router.Tests.Fakes.TestConfig;

namespace Router.Tests.Observability;

/// <summary>
/// Without telemetry.otlp_endpoint, ASP.NET makes no Activity for a request: it makes one whenever its
/// per-request logger is enabled for any log provider or anything listens to its activity source, and
/// that is an object, a random trace id and an execution-context change on every request for nothing.
/// </summary>
public sealed class RequestActivityTests
{
    [Fact]
    public async Task The_host_makes_no_activity_per_request_when_nothing_traces()
    {
        await using var router = await RouterUnderTest.StartAsync(Build([new ProviderConfig { Name = "echo", Type = "echo" }], [Route("^echo-", "echo")]));
        var hostLogger = router.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Microsoft.AspNetCore.Hosting.Diagnostics");
        Assert.False(hostLogger.IsEnabled(LogLevel.Critical), "ASP.NET's per-request logger is enabled for some provider (Serilog's own filter rule outranks rules for all providers)");
        Assert.False(new ActivitySource("Microsoft.AspNetCore").HasListeners());
        Assert.False(router.Services.GetRequiredService<DiagnosticListener>().IsEnabled());
        // The router's own logging still reaches its sinks.
        Assert.True(router.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Router").IsEnabled(LogLevel.Warning));
    }
}
