using Router.Actors.Configuration;
using Router.Tests.Fakes;
using static Router.Tests.Fakes.TestConfig;

namespace Router.Tests.BadInput;

/// <summary>The router in process with only the echo provider (models "echo-*"), reached over raw sockets.</summary>
public sealed class EchoRouter : IAsyncLifetime
{
    public RouterUnderTest Router { get; private set; } = null!;

    public int Port => new Uri(Router.BaseUrl).Port;

    public async Task InitializeAsync() =>
        Router = await RouterUnderTest.StartAsync(Build([new ProviderConfig { Name = "echo", Type = "echo" }], [Route("^echo-", "echo")], maxBodyBytes: 1024 * 1024));

    public async Task DisposeAsync() => await Router.DisposeAsync();

    public Task<RawAnswer> SendAsync(byte[] request, TimeSpan? timeout = null) => RawHttp.SendAsync(Port, request, timeout);

    /// <summary>No stack trace and no exception name anywhere in what the router logged.</summary>
    public void AssertLogClean()
    {
        var log = Router.Log.All;
        Assert.DoesNotContain("   at ", log);
        Assert.DoesNotContain("Exception", log);
    }

    /// <summary>A valid request of each inbound format, by path, for the model "echo-1".</summary>
    public static readonly IReadOnlyDictionary<string, string> ValidBodies = new Dictionary<string, string>
    {
        ["/v1/chat/completions"] = """{"model":"echo-1","messages":[{"role":"user","content":"hi"}],"temperature":0.5}""",
        ["/v1/responses"] = """{"model":"echo-1","input":"hi","temperature":0.5}""",
        ["/v1/messages"] = """{"model":"echo-1","max_tokens":16,"messages":[{"role":"user","content":"hi"}],"temperature":0.5}""",
        ["/v1beta/models/echo-1:generateContent"] = """{"contents":[{"role":"user","parts":[{"text":"hi"}]}],"generationConfig":{"temperature":0.5}}""",
        ["/v1beta/models/echo-1:streamGenerateContent?alt=sse"] = """{"contents":[{"role":"user","parts":[{"text":"hi"}]}],"generationConfig":{"temperature":0.5}}""",
    };
}
