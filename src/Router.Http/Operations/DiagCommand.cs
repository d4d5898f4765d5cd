using System.CommandLine;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace Router.Http.Operations;

/// <summary>
/// `router diag ...`: Petabridge.Cmd's verbs, answered by any node's management API. The node is the
/// one --config describes (its URL and management key, as `status` finds them), or --url with the key
/// in ROUTER_MANAGEMENT_KEY. Exit codes: 0 answered, 1 refused (bad or unknown address, unknown shard
/// type, the last member), 2 config error or bad --url, 3 nothing answers, 4 management key missing or wrong.
/// </summary>
public static class DiagCommand
{
    public static Command Create(Option<string> configOption)
    {
        var url = new Option<string?>("--url") { Description = $"The node's URL (e.g. http://10.0.0.2:8317); its key comes from {DiagClient.KeyVariable}", Recursive = true };
        var json = new Option<bool>("--json") { Description = "Print the node's answer as JSON", Recursive = true };
        var diag = new Command("diag", "Look inside the cluster through a node's management API (exit codes: 0 ok, 1 refused, 2 config or --url error, 3 node unreachable, 4 management key missing or wrong).");
        diag.Options.Add(url);
        diag.Options.Add(json);

        Verb Get(string path, Action<JsonObject, IAnsiConsole> render) => (http, parse) =>
            DiagClient.RunAsync(http, HttpMethod.Get, path, null, parse.GetValue(json), render, Console.Out, Console.Error);
        Task<int> Run(ParseResult parse, Verb verb) =>
            Commands.DiagAsync(parse.GetValue(configOption)!, parse.GetValue(url), http => verb(http, parse));

        var address = new Argument<string>("address") { Description = "A member's address as `diag cluster show` lists it, e.g. akka.tcp://router@10.0.0.3:4053" };
        Verb Change(string verb) => (http, parse) => DiagClient.RunAsync(http, HttpMethod.Post, $"/v0/management/cluster/{verb}",
            new JsonObject { ["address"] = parse.GetValue(address) }, parse.GetValue(json), DiagViews.Change, Console.Out, Console.Error);

        var cluster = new Command("cluster", "Cluster membership and sharding.");
        cluster.Subcommands.Add(Leaf("show", "Members (status, roles, reachability), the leader and this node.", parse => Run(parse, Get("/v0/management/cluster", DiagViews.Cluster))));
        cluster.Subcommands.Add(Leaf("leave", "Ask a member to leave gracefully (it hands its shards off, then exits).", parse => Run(parse, Change("leave")), address));
        cluster.Subcommands.Add(Leaf("down", "Mark a member down (for a node that died: its shards move at once).", parse => Run(parse, Change("down")), address));

        var type = new Argument<string>("type") { Description = "A shard type (account or roster)" };
        var sharding = new Command("sharding", "Shard regions and where their shards run.");
        sharding.Subcommands.Add(Leaf("regions", "The shard types this node runs a region for.", parse => Run(parse, Get("/v0/management/cluster/sharding/regions", DiagViews.Regions))));
        sharding.Subcommands.Add(Leaf("region-stats", "Shards and entities of a shard type on every node.",
            parse => Run(parse, Get($"/v0/management/cluster/sharding/region-stats/{Uri.EscapeDataString(parse.GetValue(type)!)}", DiagViews.RegionStats)), type));
        cluster.Subcommands.Add(sharding);
        diag.Subcommands.Add(cluster);

        var depth = new Option<int>("--depth") { Description = "How many levels below the root to show", DefaultValueFactory = _ => 3 };
        var actor = new Command("actor", "This node's actors.");
        var hierarchy = Leaf("hierarchy", "The actor tree of the node, with each actor's number of children.",
            parse => Run(parse, Get($"/v0/management/actors?depth={parse.GetValue(depth)}", DiagViews.Actors)));
        hierarchy.Options.Add(depth);
        actor.Subcommands.Add(hierarchy);
        diag.Subcommands.Add(actor);

        diag.Subcommands.Add(Leaf("accounts", "Every account: the node hosting it, health, in flight, cooldown, token expiry (never a secret).",
            parse => Run(parse, Get("/v0/management/accounts", DiagViews.Accounts))));
        return diag;
    }

    private delegate Task<int> Verb(HttpClient http, ParseResult parse);

    private static Command Leaf(string name, string description, Func<ParseResult, Task<int>> action, params Argument[] arguments)
    {
        var command = new Command(name, description);
        foreach (var argument in arguments) command.Arguments.Add(argument);
        command.SetAction((parse, _) => action(parse));
        return command;
    }
}
