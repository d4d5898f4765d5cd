using Router.Protocols.Relay;
using System.Text.Json.Nodes;
using Router.AiStudioWorker;
using Router.Tests.Fakes;

namespace Router.Tests.AiStudio.Browser;

/// <summary>
/// The worker process in real headless Chromium against a scripted relay: it speaks the relay protocol
/// (whole and streamed answers, many requests on one socket, errors, ping, login) and survives its
/// browser being killed and its socket being dropped.
/// </summary>
public sealed class WorkerRelayProtocolTests(SignedInWorkerFixture f) : IClassFixture<SignedInWorkerFixture>
{
    private static string Prompt(string text) =>
        new JsonObject { ["contents"] = new JsonArray(new JsonObject { ["role"] = "user", ["parts"] = new JsonArray(new JsonObject { ["text"] = text }) }) }.ToJsonString();

    private static string NewId() => Guid.NewGuid().ToString("N");

    [ChromiumFact]
    public async Task Connects_with_its_key_and_name_and_answers_ping_with_pong()
    {
        Assert.Equal(f.Name, f.Relay.LastName);
        Assert.Equal(0, f.Relay.Refused);
        Assert.DoesNotContain("not signed in", f.Worker.Output);
        var id = NewId();
        await f.Relay.SendAsync(new RelayFrame(id, RelayTypes.Ping, []));
        await f.Relay.WaitForAsync(id, RelayTypes.Pong);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(f.Worker.ProfileDir));
    }

    [ChromiumFact]
    public async Task A_whole_answer_comes_back_as_one_http_response_from_the_signed_in_page()
    {
        var id = NewId();
        await f.Relay.SendRequestAsync(id, f.ModelUrl("gemini-2.5-flash", "generateContent"), Prompt("hi there"));
        var response = await f.Relay.WaitForAsync(id, RelayTypes.HttpResponse);
        Assert.Equal(200, response.Payload["status"]!.GetValue<int>());
        var body = JsonNode.Parse(response.Payload["body"]!.GetValue<string>())!;
        Assert.Equal("echo: hi there", body["candidates"]![0]!["content"]!["parts"]![0]!["text"]!.GetValue<string>());
        Assert.Contains("application/json", response.Payload["headers"]!["content-type"]![0]!.GetValue<string>());
        Assert.Single(f.Relay.FramesFor(id));
    }

    [ChromiumFact]
    public async Task A_stream_arrives_chunk_by_chunk_while_the_upstream_is_still_writing()
    {
        var id = NewId();
        f.Site.HoldStream();
        try
        {
            await f.Relay.SendRequestAsync(id, f.ModelUrl("gemini-2.5-flash", "streamGenerateContent") + "?alt=sse", Prompt("stream please"));
            var start = await f.Relay.WaitForAsync(id, RelayTypes.StreamStart);
            Assert.Equal(200, start.Payload["status"]!.GetValue<int>());
            var first = await f.Relay.WaitForAsync(id, RelayTypes.StreamChunk);
            Assert.Contains("\"Hello\"", first.Payload["data"]!.GetValue<string>());
            Assert.DoesNotContain(f.Relay.FramesFor(id), fr => fr.Type == RelayTypes.StreamEnd);
        }
        finally
        {
            f.Site.ReleaseStream();
        }
        await f.Relay.WaitForAsync(id, RelayTypes.StreamEnd);
        var frames = f.Relay.FramesFor(id);
        var data = string.Concat(frames.Where(fr => fr.Type == RelayTypes.StreamChunk).Select(fr => fr.Payload["data"]!.GetValue<string>()));
        foreach (var piece in FakeAiStudioSite.StreamPieces) Assert.Contains(JsonValue.Create(piece).ToJsonString(), data);
        Assert.Equal(RelayTypes.StreamStart, frames[0].Type);
        Assert.Equal(RelayTypes.StreamEnd, frames[^1].Type);
    }

    [ChromiumFact]
    public async Task Many_requests_in_flight_on_one_socket_are_told_apart_by_id()
    {
        var ids = Enumerable.Range(0, 8).Select(i => (Id: NewId(), Text: "question " + i)).ToList();
        await Task.WhenAll(ids.Select(r => f.Relay.SendRequestAsync(r.Id, f.ModelUrl("gemini-2.5-pro", "generateContent"), Prompt(r.Text))));
        foreach (var (id, text) in ids)
        {
            var response = await f.Relay.WaitForAsync(id, RelayTypes.HttpResponse);
            Assert.Contains("echo: " + text + "\"", response.Payload["body"]!.GetValue<string>());
        }
    }

    [ChromiumFact]
    public async Task An_upstream_error_status_comes_back_whole_even_for_a_stream_request()
    {
        var id = NewId();
        await f.Relay.SendRequestAsync(id, f.ModelUrl("gemini-2.5-pro", "noSuchMethod") + "?alt=sse", Prompt("x"));
        var response = await f.Relay.WaitForAsync(id, RelayTypes.HttpResponse);
        Assert.Equal(404, response.Payload["status"]!.GetValue<int>());
    }

    [ChromiumFact]
    public async Task An_unreachable_upstream_gives_an_error_frame_with_a_status()
    {
        var id = NewId();
        await f.Relay.SendRequestAsync(id, $"http://127.0.0.1:{TestConfig.FreePort()}/v1beta/models/m:generateContent", Prompt("x"));
        var error = await f.Relay.WaitForAsync(id, RelayTypes.Error);
        Assert.Equal(502, error.Payload["status"]!.GetValue<int>());
        Assert.Contains("could not fetch", error.Payload["error"]!.GetValue<string>());
    }

    [ChromiumFact]
    public async Task Login_without_a_desktop_answers_a_clear_error_and_keeps_serving()
    {
        var id = NewId();
        await f.Relay.SendAsync(new RelayFrame(id, RelayTypes.Login, new JsonObject { ["login_url"] = f.Site.BaseUrl + "/" }));
        var error = await f.Relay.WaitForAsync(id, RelayTypes.Error);
        Assert.Equal(409, error.Payload["status"]!.GetValue<int>());
        Assert.Contains("DISPLAY", error.Payload["error"]!.GetValue<string>());
        await A_whole_answer_comes_back_as_one_http_response_from_the_signed_in_page();
    }

    [ChromiumFact]
    public async Task A_killed_browser_is_restarted_and_the_next_request_is_served()
    {
        int? before = null;
        await RouterUnderTest.EventuallyAsync(() => Task.FromResult((before = f.Worker.BrowserPid) is not null), "the worker's chromium pid", 30_000);
        using (var browser = System.Diagnostics.Process.GetProcessById(before!.Value)) browser.Kill();
        await f.Worker.WaitForOutputAsync("restarting it");
        await RouterUnderTest.EventuallyAsync(() => Task.FromResult(f.Worker.Output.Split("browser up").Length > 2 && f.Worker.BrowserPid is { } now && now != before),
            "a new chromium for the profile\n" + f.Worker.Output, 90_000);
        await A_whole_answer_comes_back_as_one_http_response_from_the_signed_in_page();
    }

    [ChromiumFact]
    public async Task A_dropped_relay_socket_is_reconnected_with_the_same_name()
    {
        var connections = f.Relay.Connections;
        await f.Relay.DropAsync();
        await RouterUnderTest.EventuallyAsync(() => Task.FromResult(f.Relay.Connections > connections), "the worker to reconnect", 30_000);
        Assert.Equal(f.Name, f.Relay.LastName);
        await A_whole_answer_comes_back_as_one_http_response_from_the_signed_in_page();
    }
}
