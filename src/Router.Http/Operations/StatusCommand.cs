using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Router.Actors.Configuration;
using Spectre.Console;

namespace Router.Http.Operations;

/// <summary>
/// `status [--json]`: the router (health, pid, uptime) and each provider (health, accounts, last
/// error) and side service (pid, uptime, restarts), then every account that is not healthy (reason,
/// cooldown, when its key is tried again) and, on a cluster node, the members, as tables or as the JSON of /v0/management/status.
/// Exit code 0 when running, 3 when stopped (as init scripts expect).
/// </summary>
public static class StatusCommand
{
    public const int NotRunning = 3;

    public static async Task<int> RunAsync(RouterConfig config, bool json, TextWriter output)
    {
        using var http = RouterClient.Create(config);
        JsonObject? status = null;
        if (PidFile.Running(config) is not null)
        {
            try
            {
                status = await http.GetFromJsonAsync<JsonObject>("/v0/management/status");
            }
            catch (HttpRequestException)
            {
            }
        }
        if (status is null)
        {
            output.WriteLine(json ? """{"router":{"health":"stopped"}}""" : $"Router: stopped (nothing answers at {http.BaseAddress})");
            return NotRunning;
        }
        if (json)
        {
            output.WriteLine(status.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
            return 0;
        }
        Render(status, http.BaseAddress!, output);
        return 0;
    }

    internal static void Render(JsonObject status, Uri address, TextWriter output)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.Detect, ColorSystem = ColorSystemSupport.Detect });
        var router = status["router"]!;
        console.MarkupLine($"Router: [green]{router["health"]}[/]  pid {router["pid"]}  up {Uptime(router["uptime_seconds"])}  at {address}");

        var providers = new Table().AddColumns("provider", "type", "health", "accounts", "detail");
        var services = new Table().AddColumns("service", "health", "pid", "up", "restarts", "last exit");
        foreach (var p in status["providers"]!.AsArray())
        {
            var accounts = p!["accounts"]?.AsArray() ?? [];
            var healthy = accounts.Count(a => a!["health"]?.GetValue<string>() == "healthy");
            providers.AddRow(Text(p["name"]), Text(p["type"]), Colored(p["health"]), $"{healthy}/{accounts.Count} healthy", Text(p["detail"]));
            if (p["service"] is JsonObject s)
                services.AddRow(Text(p["name"]), Colored(s["health"]), Text(s["pid"]), Uptime(s["uptime_seconds"]), Text(s["restarts"]), Text(s["last_exit"]));
        }
        console.Write(providers);
        if (services.Rows.Count > 0) console.Write(services);
        RenderAccountsNeedingCare(status, console);
        RenderCluster(status, console);
    }

    /// <summary>A cluster node: its address and status, the leader, every member with status and reachability.</summary>
    private static void RenderCluster(JsonObject status, IAnsiConsole console)
    {
        if (status["cluster"] is not JsonObject cluster || cluster["enabled"]?.GetValue<bool>() != true) return;
        var ready = cluster["ready"]?.GetValue<bool>() == true;
        console.MarkupLine($"Cluster: this node {Text(cluster["self"])} is {(ready ? "[green]" : "[red]")}{Text(cluster["status"])}[/]  leader {Text(cluster["leader"])}");
        if (cluster["waiting_for"] is JsonArray { Count: > 0 } waiting)
            console.MarkupLine($"  not ready: its {Markup.Escape(string.Join(", ", waiting))} shard regions have not registered with their coordinators yet");
        var members = new Table().AddColumns("member", "status", "reachable");
        foreach (var m in cluster["members"]?.AsArray() ?? [])
            members.AddRow(Text(m!["address"]), Text(m["status"]), m["reachable"]?.GetValue<bool>() == true ? "[green]yes[/]" : "[red]no[/]");
        console.Write(members);
    }

    /// <summary>Accounts that are not healthy: why, until when they rest, and when an unauthenticated key is tried again.</summary>
    private static void RenderAccountsNeedingCare(JsonObject status, IAnsiConsole console)
    {
        var accounts = new Table().AddColumns("account", "health", "reason", "cooldown until", "next probe");
        foreach (var a in status["providers"]!.AsArray().SelectMany(p => p!["accounts"]?.AsArray() ?? []))
            if (a!["health"]?.ToString() != "healthy" || a["cooldown_until"] is not null)
                accounts.AddRow(Text(a["name"]), Colored(a["health"]), Text(a["reason"]), Text(a["cooldown_until"]), Text(a["next_probe_at"]));
        if (accounts.Rows.Count > 0) console.Write(accounts);
    }

    private static string Text(JsonNode? node) => Markup.Escape(node?.ToString() ?? "-");

    private static string Colored(JsonNode? health) => health?.ToString() switch
    {
        "healthy" => "[green]healthy[/]",
        "degraded" => "[yellow]degraded[/]",
        null => "-",
        var other => $"[red]{Markup.Escape(other)}[/]",
    };

    private static string Uptime(JsonNode? seconds) =>
        seconds is null ? "-" : TimeSpan.FromSeconds(seconds.GetValue<long>()) switch
        {
            { TotalDays: >= 1 } t => $"{(int)t.TotalDays}d {t.Hours}h",
            { TotalHours: >= 1 } t => $"{(int)t.TotalHours}h {t.Minutes}m",
            var t => $"{(int)t.TotalMinutes}m {t.Seconds}s",
        };
}
