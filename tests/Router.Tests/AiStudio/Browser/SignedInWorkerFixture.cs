using Router.Tests.Fakes;

namespace Router.Tests.AiStudio.Browser;

/// <summary>
/// The fake AI Studio site, a scripted relay and one worker whose profile the "person" signed in to,
/// shared by a test class (Chromium takes seconds to start; each test uses its own request ids).
/// </summary>
public sealed class SignedInWorkerFixture : IAsyncLifetime
{
    public const string Key = "wk-test-worker-key";

    public FakeAiStudioSite Site { get; private set; } = null!;
    public ScriptedRelay Relay { get; private set; } = null!;
    public WorkerProcess Worker { get; private set; } = null!;
    public string AuthDir { get; } = Directory.CreateTempSubdirectory("aistudio-worker-").FullName;
    public string Name { get; } = "browser-" + Guid.NewGuid().ToString("N")[..6];

    public string ModelUrl(string model, string action) => $"{Site.BaseUrl}/v1beta/models/{model}:{action}";

    public async Task InitializeAsync()
    {
        if (Chromium.Unavailable is not null) return;
        Site = await FakeAiStudioSite.StartAsync();
        Relay = await ScriptedRelay.StartAsync(Key);
        await Site.SignInProfileAsync(Path.Combine(AuthDir, "aistudio", Name));
        Worker = WorkerProcess.Start(Relay.Url, Key, Name, AuthDir, Site.BaseUrl + "/");
        Relay.Diagnostics = () => $"relay got {Relay.Received.Count} frames ({string.Join(",", Relay.Received.Select(Describe))}); worker output:\n" + Worker.Output;
        await Relay.ConnectedAsync();
    }

    /// <summary>A frame's type, and for an error what it said.</summary>
    private static string Describe(Router.AiStudioWorker.RelayFrame frame) =>
        frame.Type == Router.Protocols.Relay.RelayTypes.Error ? $"error({frame.Payload["status"]}: {frame.Payload["error"]})" : frame.Type;

    public async Task DisposeAsync()
    {
        if (Worker is not null) await Worker.DisposeAsync();
        if (Relay is not null) await Relay.DisposeAsync();
        if (Site is not null) await Site.DisposeAsync();
        try { Directory.Delete(AuthDir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
