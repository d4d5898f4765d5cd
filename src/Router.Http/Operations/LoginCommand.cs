using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Router.Actors.Configuration;

namespace Router.Http.Operations;

/// <summary>
/// `router login claude|chatgpt`: asks the running router for a sign-in URL, prints it (and opens a
/// browser when this machine has a desktop and the router did not), then waits until the router's
/// callback has stored a new or renewed account. The person signs in; nothing here automates it.
/// </summary>
public static class LoginCommand
{
    private static readonly TimeSpan PollEvery = TimeSpan.FromSeconds(2);

    public static async Task<int> RunAsync(RouterConfig config, string kind, string? provider, CancellationToken cancellationToken, TextWriter? output = null)
    {
        var console = output ?? Console.Out;
        var errors = output ?? Console.Error;
        using var http = RouterClient.Create(config);
        if (kind == "aistudio") return await AiStudioLoginAsync(http, provider, console, errors, cancellationToken);
        try
        {
            var before = await AccountsAsync(http, kind, cancellationToken);
            var query = provider is null ? "" : "?provider=" + Uri.EscapeDataString(provider);
            var login = await http.GetAsync($"/v1/auth/llmux/{kind}/login{query}", cancellationToken);
            var answer = await login.Content.ReadFromJsonAsync<JsonObject>(cancellationToken);
            if (!login.IsSuccessStatusCode)
            {
                errors.WriteLine($"The router refused: {answer?["error"]?["message"] ?? login.StatusCode.ToString()}");
                return 1;
            }
            var url = answer!["url"]!.GetValue<string>();
            console.WriteLine($"Sign in to {answer["provider"]} in a browser:\n\n  {url}\n");
            if (answer["browser_opened"]?.GetValue<bool>() != true && BrowserLauncher.TryOpen(url))
                console.WriteLine("(opened in your browser)");
            console.WriteLine($"Waiting for the sign-in to finish (up to {PendingMinutes} minutes; Ctrl+C to give up)...");

            var until = DateTime.UtcNow.AddMinutes(PendingMinutes);
            while (DateTime.UtcNow < until)
            {
                await Task.Delay(PollEvery, cancellationToken);
                var now = await AccountsAsync(http, kind, cancellationToken);
                foreach (var (email, expires) in now)
                    if (!before.TryGetValue(email, out var old) || old != expires)
                    {
                        console.WriteLine($"Signed in as {email}.");
                        return 0;
                    }
            }
            errors.WriteLine("The sign-in was not finished in time; run the command again.");
            return 1;
        }
        catch (HttpRequestException)
        {
            errors.WriteLine($"The router is not running at {http.BaseAddress} (start it first: router start).");
            return 1;
        }
    }

    /// <summary>
    /// `router login aistudio [--provider WORKER]`: asks the router to send `login` to its connected AI Studio
    /// worker(s), which open a visible Chromium window on this desktop; the person signs in there and the
    /// window goes back to headless by itself.
    /// </summary>
    private static async Task<int> AiStudioLoginAsync(HttpClient http, string? worker, TextWriter console, TextWriter errors, CancellationToken cancellationToken)
    {
        try
        {
            var query = worker is null ? "" : "?worker=" + Uri.EscapeDataString(worker);
            var response = await http.PostAsync("/v1/auth/aistudio/login" + query, null, cancellationToken);
            var answer = await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                errors.WriteLine($"The router refused: {answer?["error"]?["message"] ?? response.StatusCode.ToString()}");
                return 1;
            }
            var workers = answer?["workers"]?.AsArray().Select(w => w is JsonObject o ? o["name"]?.ToString() : w?.ToString()).ToList() ?? [];
            console.WriteLine($"Asked {string.Join(", ", workers)} to open a sign-in window on this desktop.");
            console.WriteLine("Sign in to Google AI Studio in that Chromium window; it closes and the worker goes back to headless once you are signed in.");
            return 0;
        }
        catch (HttpRequestException)
        {
            errors.WriteLine($"The router is not running at {http.BaseAddress} (start it first: router start).");
            return 1;
        }
    }

    private static int PendingMinutes => (int)Router.Actors.SignIn.PendingSignIns.Lifetime.TotalMinutes;

    /// <summary>Email → expiry of every signed-in account of the kind.</summary>
    private static async Task<Dictionary<string, string?>> AccountsAsync(HttpClient http, string kind, CancellationToken cancellationToken)
    {
        var status = await http.GetFromJsonAsync<JsonObject>($"/v1/auth/llmux/{kind}/status", cancellationToken);
        return status!["accounts"]!.AsArray()
            .Where(a => a?["email"] is not null)
            .ToDictionary(a => a!["email"]!.GetValue<string>(), a => a!["expires_at"]?.GetValue<string>());
    }
}

/// <summary>An HTTP client for the router this config describes, with the management key when one is set.</summary>
public static class RouterClient
{
    public static HttpClient Create(RouterConfig config, TimeSpan? timeout = null)
    {
        var host = config.Server.Host is "0.0.0.0" or "*" or "::" ? "127.0.0.1" : config.Server.Host;
        var http = new HttpClient { BaseAddress = new Uri($"http://{host}:{config.Server.Port}"), Timeout = timeout ?? TimeSpan.FromSeconds(10) };
        if (config.Server.ManagementKey.Length > 0)
            http.DefaultRequestHeaders.Add("X-Management-Key", config.Server.ManagementKey);
        return http;
    }
}
