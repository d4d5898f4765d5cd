using System.Net;
using System.Net.Sockets;
using System.Text;
using Router.Http;
using Router.Tests.Fakes;
using static Router.Tests.AiStudio.AiStudioSetup;

namespace Router.Tests.AiStudio;

/// <summary>Only worker keys open the relay; everything else is refused with 401 before the upgrade, and keys never reach a log.</summary>
public sealed class RelayAuthTests
{
    /// <summary>A raw upgrade request, so the test sees exactly what the router answers before any frame.</summary>
    private static async Task<string> UpgradeAsync(RouterUnderTest router, string query = "", string? bearer = null)
    {
        var uri = new Uri(router.BaseUrl);
        using var client = new TcpClient();
        await client.ConnectAsync(uri.Host, uri.Port);
        var stream = client.GetStream();
        var request = new StringBuilder()
            .Append($"GET {router.Config.WebSocket.Path}{query} HTTP/1.1\r\nHost: {uri.Host}:{uri.Port}\r\n")
            .Append("Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n");
        if (bearer is not null) request.Append($"Authorization: Bearer {bearer}\r\n");
        request.Append("\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request.ToString()));
        var buffer = new byte[4096];
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var read = await stream.ReadAsync(buffer, cts.Token);
        return Encoding.ASCII.GetString(buffer, 0, read);
    }

    [Fact]
    public async Task A_client_key_cannot_register_a_worker()
    {
        await using var router = await StartAsync(clientKeys: [ClientKey]);
        var answer = await UpgradeAsync(router, bearer: ClientKey);
        Assert.StartsWith("HTTP/1.1 401", answer);
        Assert.DoesNotContain("101", answer.Split("\r\n")[0]);
        var alsoInQuery = await UpgradeAsync(router, query: "?key=" + ClientKey);
        Assert.StartsWith("HTTP/1.1 401", alsoInQuery);
        Assert.Equal("down", await router.ProviderHealthAsync("aistudio"));
    }

    [Fact]
    public async Task No_key_or_a_wrong_key_is_refused_and_a_worker_key_upgrades()
    {
        await using var router = await StartAsync(clientKeys: [ClientKey]);
        Assert.StartsWith("HTTP/1.1 401", await UpgradeAsync(router));
        Assert.StartsWith("HTTP/1.1 401", await UpgradeAsync(router, bearer: "wk-wrong"));
        Assert.StartsWith("HTTP/1.1 101", await UpgradeAsync(router, bearer: WorkerKey));
        Assert.StartsWith("HTTP/1.1 101", await UpgradeAsync(router, query: "?name=q&key=" + WorkerKey));
    }

    [Fact]
    public async Task A_worker_key_in_the_query_never_reaches_a_log()
    {
        await using var router = await StartAsync();
        // ?key= is where an access log would show it.
        await using var worker = await ScriptedWorker.ConnectAsync(router, "logged", key: null, handler: Answering("ok"), queryKey: WorkerKey);
        await WorkersJoinedAsync(router, 1);
        Assert.Equal(HttpStatusCode.OK, (await router.Http.PostAsync("/v1/chat/completions", ChatBody())).StatusCode);
        Assert.Contains("Relay worker logged connected", router.Log.All);
        Assert.DoesNotContain(WorkerKey, router.Log.All);
        var logFile = Path.Combine(router.Config.Logging.Dir, RouterLogFile.FileName);
        await RouterUnderTest.EventuallyAsync(async () => File.Exists(logFile) && (await ReadSharedAsync(logFile)).Contains("Relay worker logged connected"), "router.log written");
        Assert.DoesNotContain(WorkerKey, await ReadSharedAsync(logFile));
    }

    private static async Task<string> ReadSharedAsync(string path)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return await new StreamReader(file).ReadToEndAsync();
    }

    [Fact]
    public async Task Without_worker_keys_only_local_workers_connect()
    {
        await using var router = await StartAsync(workerKeys: []);
        Assert.StartsWith("HTTP/1.1 101", await UpgradeAsync(router));
    }
}
