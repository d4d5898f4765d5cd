using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Router.Actors.Configuration;
using Router.Http;
using Router.Tests.Fakes;
using static Router.Tests.Fakes.TestConfig;

namespace Router.Tests.Integration;

/// <summary>logging.request_log writes one line for every answer of an inference endpoint: errors, 500s and aborted streams included.</summary>
public sealed class RequestLogTests
{
    private static RouterConfig Logged(RouterConfig config) => config with { Logging = config.Logging with { RequestLog = true } };

    private static JsonObject[] RequestLines(CapturedLog log) =>
        log.Lines.Where(l => l.Contains("Router.Requests: request {"))
            .Select(l => JsonNode.Parse(l[(l.IndexOf("request {", StringComparison.Ordinal) + "request ".Length)..].TrimEnd())!.AsObject())
            .ToArray();

    private static async Task<JsonObject> OnlyLineAsync(CapturedLog log)
    {
        await RouterUnderTest.EventuallyAsync(() => Task.FromResult(RequestLines(log).Length > 0), "a request-log line");
        return Assert.Single(RequestLines(log));
    }

    [Fact]
    public async Task A_502_and_a_401_for_a_bad_client_key_each_get_a_line()
    {
        await using var fake = await FakeUpstream.StartAsync();
        fake.DefaultReply = OpenAiWire.ServerError;
        var log = new CapturedLog();
        await using var router = await RouterUnderTest.StartAsync(
            Logged(Build([OpenAiProvider("main", fake, "sk-1")], [Route("^gpt-", "main")], clientKeys: ["sk-client"])), log);

        var failed = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json.Body("gpt-4.1") };
        failed.Headers.Add("Authorization", "Bearer sk-client");
        Assert.Equal(HttpStatusCode.BadGateway, (await router.Http.SendAsync(failed)).StatusCode);
        var line = await OnlyLineAsync(log);
        Assert.Equal(502, line["status"]!.GetValue<int>());
        Assert.Equal("gpt-4.1", line["model"]!.GetValue<string>());
        Assert.Contains("main#1", line["error"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.Unauthorized, (await router.Http.PostAsync("/v1/chat/completions", Json.Body("gpt-4.1"))).StatusCode);
        await RouterUnderTest.EventuallyAsync(() => Task.FromResult(RequestLines(log).Length == 2), "a line for the 401");
        Assert.Equal(401, RequestLines(log)[1]["status"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_stream_the_client_abandons_is_logged_as_aborted_with_the_status_it_had_sent()
    {
        await using var fake = await FakeUpstream.StartAsync();
        fake.DefaultReply = OpenAiWire.StreamText(Enumerable.Range(0, 40).Select(i => $" w{i}"), pause: TimeSpan.FromMilliseconds(100));
        var log = new CapturedLog();
        await using var router = await RouterUnderTest.StartAsync(Logged(Build([OpenAiProvider("main", fake, "sk-1")], [Route("^gpt-", "main")])), log);

        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json.Body("gpt-4.1", stream: true) };
        using (var response = await router.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead))
        {
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            Assert.StartsWith("data: ", await reader.ReadLineAsync());
        } // the client goes away mid-stream

        var line = await OnlyLineAsync(log);
        Assert.Equal(499, line["status"]!.GetValue<int>());
        Assert.True(line["aborted"]!.GetValue<bool>());
        Assert.Equal(200, line["sent_status"]!.GetValue<int>());
        Assert.True(line["stream"]!.GetValue<bool>());
    }

    [Fact]
    public async Task An_unexpected_failure_is_logged_with_the_500_the_client_got()
    {
        var log = new CapturedLog();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(log);
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.AddSingleton(Logged(Build([], [])));
        builder.Services.AddSingleton<Router.Http.Admin.RequestFeed>();
        builder.Services.AddSingleton<RequestLog>();
        await using var app = builder.Build();
        app.UseRequestLog();
        app.UseExceptionHandler(errors => errors.Run(c => { c.Response.StatusCode = 500; return Task.CompletedTask; }));
        app.MapPost("/v1/chat/completions", (HttpContext _) => throw new InvalidOperationException("a bug")).LoggedAsInference();
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = RouterHost.BoundAddress(app) };

        Assert.Equal(HttpStatusCode.InternalServerError, (await http.PostAsync("/v1/chat/completions", Json.Body("gpt-4.1"))).StatusCode);

        var line = await OnlyLineAsync(log);
        Assert.Equal(500, line["status"]!.GetValue<int>());
        Assert.Equal("/v1/chat/completions", line["path"]!.GetValue<string>());
    }
}
