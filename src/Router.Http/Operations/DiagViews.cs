using System.Text.Json.Nodes;
using Spectre.Console;

namespace Router.Http.Operations;

/// <summary>How each `router diag` answer reads as a table (the JSON shapes are in docs/http-api.md).</summary>
public static class DiagViews
{
    public static void Cluster(JsonObject answer, IAnsiConsole console)
    {
        console.MarkupLine($"This node: {Text(answer["self"])} ({Text(answer["self_status"])})   Leader: {Text(answer["leader"])}");
        var table = new Table().AddColumns("address", "status", "reachable", "roles", "age", "");
        foreach (var m in Items(answer["members"]))
            table.AddRow(Text(m["address"]), Status(m["status"]), m["reachable"]?.GetValue<bool>() == true ? "[green]yes[/]" : "[red]no[/]",
                Markup.Escape(string.Join(",", Items(m["roles"]).Select(r => r.ToString()))), Text(m["age_rank"]), Flags(m));
        console.Write(table);
        if (Items(answer["unreachable"]).Any())
            console.MarkupLine($"[red]Unreachable:[/] {Markup.Escape(string.Join(", ", Items(answer["unreachable"]).Select(a => a.ToString())))}");
    }

    public static void Change(JsonObject answer, IAnsiConsole console) =>
        console.MarkupLine(answer["requested"]?.ToString() == "down"
            ? $"Marked {Text(answer["address"])} down (it was {Text(answer["status_before"])}); its shards move to the other nodes."
            : $"Asked {Text(answer["address"])} to leave (it was {Text(answer["status_before"])}); it hands its shards off, then exits.");

    public static void Regions(JsonObject answer, IAnsiConsole console)
    {
        var table = new Table().AddColumns("shard type", "region");
        foreach (var r in Items(answer["regions"]))
            table.AddRow(Text(r["type"]), Text(r["path"]));
        console.MarkupLine($"Shard regions on {Text(answer["self"])}");
        console.Write(table);
    }

    public static void RegionStats(JsonObject answer, IAnsiConsole console)
    {
        var table = new Table().AddColumns("node", "shards", "entities", "failed shards");
        foreach (var n in Items(answer["nodes"]))
            table.AddRow(Text(n["address"]), Text(n["shard_count"]), Text(n["entity_count"]),
                Markup.Escape(string.Join(",", Items(n["failed_shards"]).Select(s => s.ToString()))));
        console.MarkupLine($"Shard type {Text(answer["type"])}: {Text(answer["shard_count"])} shards, {Text(answer["entity_count"])} entities");
        console.Write(table);
        if (Items(answer["did_not_reply"]).Any())
            console.MarkupLine($"[yellow]Partial answer, no reply from:[/] {Markup.Escape(string.Join(", ", Items(answer["did_not_reply"]).Select(a => a.ToString())))}");
    }

    /// <summary>The actor tree, one actor a line, indented by depth, with its number of children.</summary>
    public static void Actors(JsonObject answer, IAnsiConsole console)
    {
        console.MarkupLine($"Actors of {Text(answer["address"])} (depth {Text(answer["depth"])})");
        foreach (var a in Items(answer["actors"]))
        {
            var depth = a["depth"]!.GetValue<int>();
            var children = a["children"]!.GetValue<int>();
            console.MarkupLine($"{new string(' ', 2 * (depth - 1))}{Text(a["path"])}{(children > 0 ? $"  [grey]({children} {(children == 1 ? "child" : "children")})[/]" : "")}");
        }
        if (answer["truncated"]?.GetValue<bool>() == true) console.MarkupLine("[yellow]… cut here: ask for a smaller --depth[/]");
    }

    public static void Accounts(JsonObject answer, IAnsiConsole console)
    {
        var table = new Table().AddColumns("account", "provider", "node", "health", "in flight", "cooldown until", "token expires", "identity");
        foreach (var a in Items(answer["accounts"]))
            table.AddRow(Text(a["name"]), Text(a["provider"]), Text(a["node"]), Status(a["health"]), Text(a["in_flight"]),
                Text(a["cooldown_until"]), Text(a["token_expires_at"]), Text(a["identity"]));
        console.Write(table);
        if (Items(answer["nodes_not_replying"]).Any())
            console.MarkupLine($"[yellow]No placement from:[/] {Markup.Escape(string.Join(", ", Items(answer["nodes_not_replying"]).Select(a => a.ToString())))}");
    }

    private static IEnumerable<JsonNode> Items(JsonNode? array) => array?.AsArray().OfType<JsonNode>() ?? [];

    private static string Text(JsonNode? node) => Markup.Escape(node?.ToString() ?? "-");

    private static string Flags(JsonNode member) =>
        string.Join(" ", new[] { member["self"]?.GetValue<bool>() == true ? "self" : null, member["leader"]?.GetValue<bool>() == true ? "leader" : null }.OfType<string>());

    private static string Status(JsonNode? status) => status?.ToString() switch
    {
        "up" or "healthy" => $"[green]{status}[/]",
        "joining" or "weakly_up" or "leaving" or "exiting" or "degraded" => $"[yellow]{status}[/]",
        null => "-",
        var other => $"[red]{Markup.Escape(other)}[/]",
    };
}
