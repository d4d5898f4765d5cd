using System.Net;
using System.Text.Json.Nodes;
using Router.Actors.Configuration;
using Router.Tests.Fakes;
using static Router.Tests.AiStudio.AiStudioSetup;
using static Router.Tests.Fakes.TestConfig;

namespace Router.Tests.AiStudio.Browser;

/// <summary>
/// The whole AI Studio path in real headless Chromium: client → router → /v1/ws relay → worker process
/// → in-page fetch in the signed-in page → the fake AI Studio's Gemini endpoint (which answers only
/// with the session cookie the "person" got by clicking Sign in), for OpenAI Chat, Anthropic Messages
/// and Gemini clients, whole and streamed; and a killed browser is survived.
/// </summary>
public sealed class AiStudioEndToEndTests : IAsyncLifetime
{
    private FakeAiStudioSite _site = null!;
    private RouterUnderTest _router = null!;
    private WorkerProcess _worker = null!;

    public async Task InitializeAsync()
    {
        if (Chromium.Unavailable is not null) return;
        _site = await FakeAiStudioSite.StartAsync();
        var authDir = NewAuthDir();
        var config = Build([new ProviderConfig { Name = "aistudio", Type = "aistudio", BaseUrl = _site.BaseUrl, Timeout = 60 }],
            [Route("-aistudio$", "aistudio")], authDir);
        _router = await RouterUnderTest.StartAsync(config with
        {
            Server = config.Server with { WorkerKeys = [WorkerKey] },
            WebSocket = new WebSocketConfig { PingInterval = 30 },
        });
        const string name = "desk";
        await _site.SignInProfileAsync(Path.Combine(authDir, "aistudio", name));
        _worker = WorkerProcess.Start(_router.BaseUrl.Replace("http://", "ws://") + "/v1/ws", WorkerKey, name, authDir, _site.BaseUrl + "/");
        await RouterUnderTest.EventuallyAsync(async () =>
            await _router.ProviderHealthAsync("aistudio") == "healthy", "the worker to join the router\n" + _worker.Output, 90_000);
    }

    public async Task DisposeAsync()
    {
        if (_worker is not null) await _worker.DisposeAsync();
        if (_router is not null) await _router.DisposeAsync();
        if (_site is not null) await _site.DisposeAsync();
    }

    private async Task<string> PostAsync(string path, HttpContent body)
    {
        var response = await _router.Http.PostAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {text}\nworker:\n{_worker.Output}");
        return text;
    }

    private static void AssertStreamed(string text)
    {
        foreach (var piece in FakeAiStudioSite.StreamPieces) Assert.Contains(JsonValue.Create(piece).ToJsonString()[1..^1], text);
    }

    [ChromiumFact]
    public async Task OpenAI_Anthropic_and_Gemini_clients_get_whole_and_streamed_answers_through_the_signed_in_page()
    {
        var chat = JsonNode.Parse(await PostAsync("/v1/chat/completions", ChatBody(text: "hello page")))!;
        Assert.Equal("echo: hello page", chat["choices"]![0]!["message"]!["content"]!.GetValue<string>());
        var chatStream = await PostAsync("/v1/chat/completions", ChatBody(stream: true));
        AssertStreamed(chatStream);
        Assert.Contains("data: [DONE]", chatStream);

        var messages = JsonNode.Parse(await PostAsync("/v1/messages", MessagesBody()))!;
        Assert.Equal("echo: Hi", messages["content"]![0]!["text"]!.GetValue<string>());
        var messagesStream = await PostAsync("/v1/messages", MessagesBody(stream: true));
        AssertStreamed(messagesStream);
        Assert.Contains("event: message_stop", messagesStream);

        var gemini = JsonNode.Parse(await PostAsync($"/v1beta/models/{Model}:generateContent", GeminiBody()))!;
        Assert.Equal("echo: Hi", gemini["candidates"]![0]!["content"]!["parts"]![0]!["text"]!.GetValue<string>());
        AssertStreamed(await PostAsync($"/v1beta/models/{Model}:streamGenerateContent?alt=sse", GeminiBody()));

        Assert.Equal(0, _site.Refused);
        Assert.Contains(_site.Upstream.Requests, r => r.Path == $"/v1beta/models/{UpstreamModel}:generateContent");
        Assert.Contains(_site.Upstream.Requests, r => r.Path == $"/v1beta/models/{UpstreamModel}:streamGenerateContent?alt=sse");
    }

    [ChromiumFact]
    public async Task Killing_the_browser_process_is_survived_the_next_request_is_served_after_the_restart()
    {
        int? before = null;
        await RouterUnderTest.EventuallyAsync(() => Task.FromResult((before = _worker.BrowserPid) is not null), "the worker's chromium pid", 30_000);
        using (var browser = System.Diagnostics.Process.GetProcessById(before!.Value)) browser.Kill();
        await _worker.WaitForOutputAsync("restarting it");
        await RouterUnderTest.EventuallyAsync(() => Task.FromResult(_worker.Output.Split("browser up").Length > 2 && _worker.BrowserPid is { } now && now != before),
            "a new chromium for the profile\n" + _worker.Output, 90_000);
        var chat = JsonNode.Parse(await PostAsync("/v1/chat/completions", ChatBody(text: "after the crash")))!;
        Assert.Equal("echo: after the crash", chat["choices"]![0]!["message"]!["content"]!.GetValue<string>());
    }
}
