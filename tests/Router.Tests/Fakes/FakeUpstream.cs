using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Router.Tests.Fakes;

/// <summary>A request the fake received, as it arrived.</summary>
public sealed record RecordedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Headers, JsonObject? Body)
{
    /// <summary>The body exactly as it arrived.</summary>
    public string Text { get; init; } = "";
}

/// <summary>
/// A loopback vendor API for tests: records every request and answers with the next scripted
/// reply (or the default one). Replies write the vendor's exact wire format (see OpenAiWire, AnthropicWire).
/// </summary>
public sealed class FakeUpstream : IAsyncDisposable
{
    public delegate Task Reply(HttpContext context, JsonObject? body);

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Reply> _script = new();

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();
    public Reply DefaultReply { get; set; } = (c, _) => { c.Response.StatusCode = 404; return Task.CompletedTask; };
    /// <summary>Expected credential header (name, value); requests without it get the vendor's 401.</summary>
    public Func<HttpContext, bool> Authorize { get; set; } = _ => true;
    public Reply Unauthorized { get; set; } = (c, _) => { c.Response.StatusCode = 401; return Task.CompletedTask; };
    public string BaseUrl { get; private set; } = "";
    public int Port { get; private set; }

    private FakeUpstream(WebApplication app) => _app = app;

    /// <param name="port">0 lets the OS choose (tests); tests/e2e's fake vendor asks for a fixed one.</param>
    /// <param name="host">Where to listen: loopback by default; cluster tests give the bridge address their nodes reach.</param>
    public static async Task<FakeUpstream> StartAsync(int port = 0, string host = "127.0.0.1")
    {
        FakeUpstream? fake = null;
        var (app, address) = await Loopback.StartAsync(context => fake!.HandleAsync(context), port, IPAddress.Parse(host));
        fake = new FakeUpstream(app) { Port = address.Port, BaseUrl = $"http://{host}:{address.Port}" };
        return fake;
    }

    /// <summary>The next requests get these replies, in order; then the default one.</summary>
    public FakeUpstream Then(params Reply[] replies)
    {
        foreach (var reply in replies) _script.Enqueue(reply);
        return this;
    }

    public RecordedRequest LastRequest => Requests.Last();

    /// <summary>Completes when the process is asked to stop (SIGTERM, Ctrl+C): for fakes run as programs.</summary>
    public Task WaitForShutdownAsync() => _app.WaitForShutdownAsync();

    private async Task HandleAsync(HttpContext context)
    {
        JsonObject? body = null;
        string text;
        using (var reader = new StreamReader(context.Request.Body, Encoding.UTF8))
        {
            text = await reader.ReadToEndAsync();
            if (text.Length > 0) body = JsonNode.Parse(text) as JsonObject;
        }
        var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
        Requests.Enqueue(new RecordedRequest(context.Request.Method, context.Request.Path + context.Request.QueryString, headers, body) { Text = text });
        if (!Authorize(context))
        {
            await Unauthorized(context, body);
            return;
        }
        var reply = _script.TryDequeue(out var next) ? next : DefaultReply;
        await reply(context, body);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(TimeSpan.FromSeconds(2)).WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { });
        await _app.DisposeAsync();
    }
}

/// <summary>A Kestrel app on a loopback port, for fakes: answers every request with one handler.</summary>
public static class Loopback
{
    public static async Task<(WebApplication App, Uri Address)> StartAsync(RequestDelegate handler, int port = 0, IPAddress? address = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(address ?? IPAddress.Loopback, port));
        var app = builder.Build();
        app.Run(handler);
        await app.StartAsync();
        return (app, new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()));
    }
}

internal static class StopExtensions
{
    public static Task StopAsync(this WebApplication app, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        return app.StopAsync(cts.Token);
    }
}
