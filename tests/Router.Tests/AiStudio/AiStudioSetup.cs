using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Router.Actors.Configuration;
using Router.Tests.Fakes;
using static Router.Tests.Fakes.TestConfig;

namespace Router.Tests.AiStudio;

/// <summary>A router with an aistudio provider (routed by "-aistudio$"), optionally an echo provider behind it, and a worker key.</summary>
public static class AiStudioSetup
{
    public const string WorkerKey = "wk-relay-secret-1";
    public const string ClientKey = "sk-client-1";
    public const string Model = "gemini-2.5-flash-aistudio";
    public const string UpstreamModel = "gemini-2.5-flash";

    public static Task<RouterUnderTest> StartAsync(bool withBackup = false, int pingInterval = 30, IReadOnlyList<string>? clientKeys = null,
        IReadOnlyList<string>? workerKeys = null, int timeout = 10)
    {
        var providers = new List<ProviderConfig> { new() { Name = "aistudio", Type = "aistudio", BaseUrl = "https://generativelanguage.googleapis.com", Timeout = timeout } };
        var route = new List<string> { "aistudio" };
        if (withBackup)
        {
            providers.Add(new ProviderConfig { Name = "backup", Type = "echo" });
            route.Add("backup");
        }
        var config = Build(providers, [Route("-aistudio$", route.ToArray())], clientKeys: clientKeys);
        return RouterUnderTest.StartAsync(config with
        {
            Server = config.Server with { WorkerKeys = workerKeys ?? [WorkerKey] },
            WebSocket = new WebSocketConfig { PingInterval = pingInterval },
        });
    }

    /// <summary>A whole Gemini generateContent answer.</summary>
    public static string GeminiAnswer(string text) => new JsonObject
    {
        ["candidates"] = new JsonArray(new JsonObject
        {
            ["content"] = new JsonObject { ["parts"] = new JsonArray(new JsonObject { ["text"] = text }), ["role"] = "model" },
            ["finishReason"] = "STOP",
            ["index"] = 0,
        }),
        ["usageMetadata"] = new JsonObject { ["promptTokenCount"] = 3, ["candidatesTokenCount"] = 2, ["totalTokenCount"] = 5 },
        ["modelVersion"] = UpstreamModel,
    }.ToJsonString();

    /// <summary>Gemini's SSE stream of these pieces, one `data:` event per piece, as the API writes it.</summary>
    public static IEnumerable<string> GeminiStream(params string[] pieces) =>
        pieces.Select((p, i) =>
        {
            var chunk = JsonNode.Parse(GeminiAnswer(p))!.AsObject();
            if (i < pieces.Length - 1) chunk["candidates"]![0]!.AsObject().Remove("finishReason");
            return "data: " + chunk.ToJsonString() + "\r\n\r\n";
        });

    /// <summary>A worker that answers every request whole (or streamed, for streamGenerateContent) with <paramref name="text"/>.</summary>
    public static Func<JsonObject, ScriptedWorker, Task> Answering(string text) => (request, worker) =>
    {
        var id = request["id"]!.GetValue<string>();
        var url = request["payload"]!["url"]!.GetValue<string>();
        return url.Contains(":streamGenerateContent")
            ? worker.StreamAsync(id, GeminiStream(text[..(text.Length / 2)], text[(text.Length / 2)..]))
            : worker.RespondAsync(id, 200, GeminiAnswer(text));
    };

    public static StringContent JsonBody(string json)
    {
        var content = new StringContent(json, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    public static StringContent ChatBody(bool stream = false, string text = "Hi", string model = Model) =>
        JsonBody($$"""{"model":"{{model}}","stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"{{text}}"}]}""");

    public static StringContent MessagesBody(bool stream = false) =>
        JsonBody($$"""{"model":"{{Model}}","max_tokens":100,"stream":{{(stream ? "true" : "false")}},"messages":[{"role":"user","content":"Hi"}]}""");

    public static StringContent GeminiBody() => JsonBody("""{"contents":[{"role":"user","parts":[{"text":"Hi"}]}]}""");

    /// <summary>Waits until the router routes to this many connected workers (an account joins once its entity has answered).</summary>
    public static Task WorkersJoinedAsync(RouterUnderTest router, int count) =>
        RouterUnderTest.EventuallyAsync(async () =>
        {
            var status = await router.Http.GetFromJsonAsync<JsonObject>("/v0/management/status");
            var aistudio = status!["providers"]!.AsArray().First(p => p!["name"]!.GetValue<string>() == "aistudio")!;
            var workers = (await router.Http.GetFromJsonAsync<JsonObject>("/v1/auth/aistudio/status"))!["workers"]!.AsArray();
            return aistudio["accounts"]!.AsArray().Count == count && workers.Count == count;
        }, $"{count} worker(s) connected", timeoutMs: 15000);
}
