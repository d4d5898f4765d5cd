using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Router.Tests.Fakes;

namespace Router.Tests.Http2;

/// <summary>
/// A loopback upstream that speaks only cleartext HTTP/2 (h2c with prior knowledge): an HTTP/1.1
/// request gets no answer. Counts the TCP connections it accepts and the protocol of every request.
/// </summary>
public sealed class H2cUpstream : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _connections;

    public string BaseUrl { get; }
    public int Connections => Volatile.Read(ref _connections);
    public ConcurrentQueue<string> Protocols { get; } = new();
    /// <summary>How every request is answered (OpenAiWire / WireReplies replies).</summary>
    public FakeUpstream.Reply Reply { get; set; } = (c, _) => { c.Response.StatusCode = 404; return Task.CompletedTask; };

    private H2cUpstream(WebApplication app, string baseUrl) => (_app, BaseUrl) = (app, baseUrl);

    public static async Task<H2cUpstream> StartAsync()
    {
        H2cUpstream? fake = null;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, listen =>
        {
            listen.Protocols = HttpProtocols.Http2;
            listen.Use(next => connection =>
            {
                Interlocked.Increment(ref fake!._connections);
                return next(connection);
            });
        }));
        var app = builder.Build();
        app.Run(async context =>
        {
            fake!.Protocols.Enqueue(context.Request.Protocol);
            await context.Request.Body.CopyToAsync(Stream.Null);
            await fake.Reply(context, null);
        });
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        fake = new H2cUpstream(app, $"http://127.0.0.1:{address.Port}");
        return fake;
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await _app.StopAsync(stop.Token).ContinueWith(_ => { });
        await _app.DisposeAsync();
    }
}
