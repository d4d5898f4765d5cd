using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace Router.Http.Operations;

/// <summary>
/// How every `router diag` verb talks to a node's management API and ends: the answer as JSON
/// (--json) or through the verb's renderer, and one exit code per kind of failure.
/// </summary>
public static class DiagClient
{
    public const int Ok = 0;
    /// <summary>The node refused the request: a malformed or unknown address, an unknown shard type, the last member.</summary>
    public const int Refused = 1;
    /// <summary>The config file could not be read (as for every verb), or --url is not an http(s) URL.</summary>
    public const int BadConfig = 2;
    /// <summary>Nothing answers at the node's URL (as `router status` when the router is stopped).</summary>
    public const int Unreachable = StatusCommand.NotRunning;
    /// <summary>The management key is missing or wrong (401), or the node answers only local callers (403).</summary>
    public const int Unauthorized = 4;

    public const string KeyVariable = "ROUTER_MANAGEMENT_KEY";
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private static readonly JsonSerializerOptions Pretty = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>A client for --url, with the management key from ROUTER_MANAGEMENT_KEY; null for a URL that is not http(s).</summary>
    public static HttpClient? ForUrl(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var address) || address.Scheme is not ("http" or "https")) return null;
        var http = new HttpClient { BaseAddress = address, Timeout = Timeout };
        if (Environment.GetEnvironmentVariable(KeyVariable) is { Length: > 0 } key)
            http.DefaultRequestHeaders.Add("X-Management-Key", key);
        return http;
    }

    /// <summary>Sends one request; on success prints the JSON or renders it.</summary>
    public static async Task<int> RunAsync(HttpClient http, HttpMethod method, string path, JsonObject? body, bool json,
        Action<JsonObject, IAnsiConsole> render, TextWriter output, TextWriter error)
    {
        HttpResponseMessage response;
        JsonObject? answer;
        try
        {
            using var request = new HttpRequestMessage(method, path.TrimStart('/')) { Content = body is null ? null : JsonContent.Create(body) };
            response = await http.SendAsync(request);
            answer = await ReadJsonAsync(response);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            error.WriteLine($"Nothing answers at {http.BaseAddress} ({e.Message}). Is the router running there? Check --url or --config.");
            return Unreachable;
        }
        using (response)
        {
            if (response.IsSuccessStatusCode && answer is not null)
            {
                if (json) output.WriteLine(answer.ToJsonString(Pretty));
                else render(answer, ConsoleFor(output));
                return Ok;
            }
            var message = answer?["error"]?["message"]?.ToString() ?? $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}";
            if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                error.WriteLine($"{message} (the key comes from server.management_key of --config, or from {KeyVariable} with --url)");
                return Unauthorized;
            }
            error.WriteLine(message);
            return Refused;
        }
    }

    private static async Task<JsonObject?> ReadJsonAsync(HttpResponseMessage response)
    {
        try
        {
            return await JsonNode.ParseAsync(await response.Content.ReadAsStreamAsync()) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Spectre.Console on the given writer; wide enough for node addresses when it is not a terminal.</summary>
    public static IAnsiConsole ConsoleFor(TextWriter output)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.Detect, ColorSystem = ColorSystemSupport.Detect });
        if (Console.IsOutputRedirected || output != Console.Out) console.Profile.Width = 200;
        return console;
    }
}
