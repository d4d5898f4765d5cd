using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;
using Router.Actors.Hosting;
using Router.Actors.Providers;
using Router.Actors.Routing;

namespace Router.Http.Endpoints;

/// <summary>
/// GET /v0/management/actors?depth=N (this node's actor tree, `router diag actor hierarchy`) and
/// GET /v0/management/accounts (every account with the node that hosts it, `router diag accounts`).
/// Needs the management key; never a secret.
/// </summary>
public static class DiagnosticsEndpoints
{
    public const int DefaultDepth = 3;
    public const int MaxDepth = 12;
    /// <summary>Enough for every actor a router runs; a tree beyond it is cut and says so.</summary>
    public const int MaxActors = 5000;
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(3);

    public static void Map(WebApplication app)
    {
        app.MapGet("/v0/management/actors", ActorsAsync);
        app.MapGet("/v0/management/accounts", AccountsAsync);
    }

    private static async Task ActorsAsync(HttpContext context, ManagementGuard guard, ActorSystem system)
    {
        if (!await guard.AdmitAsync(context)) return;
        var depth = DefaultDepth;
        if (context.Request.Query.TryGetValue("depth", out var asked) && (!int.TryParse(asked, out depth) || depth is < 1 or > MaxDepth))
        {
            await SignInAnswers.FailAsync(context, 400, $"depth must be a whole number from 1 to {MaxDepth}.");
            return;
        }
        var actors = new JsonArray();
        var truncated = Walk(ChildrenOf(((ExtendedActorSystem)system).Provider.RootGuardian), 1, depth, actors);
        await SignInAnswers.WriteAsync(context, 200, new JsonObject
        {
            ["address"] = Cluster.Get(system).SelfAddress.ToString(),
            ["depth"] = depth,
            ["actors"] = actors,
            ["truncated"] = truncated,
        });
    }

    /// <summary>Adds <paramref name="children"/> and theirs in pre-order down to <paramref name="maxDepth"/>; true when cut at MaxActors.</summary>
    private static bool Walk(IReadOnlyList<IActorRef> children, int depth, int maxDepth, JsonArray into)
    {
        foreach (var child in children.OrderBy(c => c.Path.Name, StringComparer.Ordinal))
        {
            if (into.Count >= MaxActors) return true;
            var grandchildren = ChildrenOf(child);
            into.Add(new JsonObject
            {
                ["path"] = child.Path.ToStringWithoutAddress(),
                ["depth"] = depth,
                ["children"] = grandchildren.Count,
            });
            if (depth < maxDepth && Walk(grandchildren, depth + 1, maxDepth, into)) return true;
        }
        return false;
    }

    /// <summary>Live children, read from the actor's cell (an immutable snapshot, safe off its thread).</summary>
    private static IReadOnlyList<IActorRef> ChildrenOf(IActorRef actor) =>
        actor is ActorRefWithCell withCell ? withCell.Children.Cast<IActorRef>().ToList() : [];

    private static async Task AccountsAsync(HttpContext context, ManagementGuard guard, ActorSystem system, IRequiredActor<RoutingActor> routing)
    {
        if (!await guard.AdmitAsync(context)) return;
        var catalog = await routing.ActorRef.Ask<ProviderCatalog>(GetProviders.Instance, AskTimeout, context.RequestAborted);
        var placement = await ClusterShardStats.GatherAsync(system, "account", ClusterShardStats.DefaultTimeout, context.RequestAborted);
        var nodeOfShard = placement.NodeOfShard();
        var extractor = new AccountMessageExtractor();
        var accounts = new JsonArray();
        foreach (var provider in catalog.All.Where(p => p.Actor is not null))
        {
            var status = await provider.StatusAsync(AskTimeout);
            foreach (var account in status.Accounts)
            {
                var entry = ManagementEndpoints.Describe(account);
                entry["provider"] = provider.Name;
                entry["entity_id"] = account.EntityId;
                entry["node"] = extractor.ShardId(account.EntityId, null) is { } shard && nodeOfShard.TryGetValue(shard, out var node) ? node.ToString() : null;
                entry["token_expires_at"] = account.TokenExpiresAt?.ToString("O");
                accounts.Add(entry);
            }
        }
        await SignInAnswers.WriteAsync(context, 200, new JsonObject
        {
            ["self"] = Cluster.Get(system).SelfAddress.ToString(),
            ["accounts"] = accounts,
            ["nodes_not_replying"] = new JsonArray(placement.NoReply.Select(a => (JsonNode)a.ToString()).ToArray()),
        });
    }
}
