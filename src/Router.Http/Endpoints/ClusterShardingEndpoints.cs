using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;

namespace Router.Http.Endpoints;

/// <summary>
/// /v0/management/cluster/sharding/*: the shard types this node runs a region (or a proxy) for, and
/// per type the shards and entities on every node (`router diag cluster sharding regions|region-stats TYPE`).
/// Needs the management key; 404 for a type this node does not know.
/// </summary>
public static class ClusterShardingEndpoints
{
    public static void Map(WebApplication app)
    {
        app.MapGet("/v0/management/cluster/sharding/regions", RegionsAsync);
        app.MapGet("/v0/management/cluster/sharding/region-stats/{type}", RegionStatsAsync);
    }

    private static async Task RegionsAsync(HttpContext context, ManagementGuard guard, ActorSystem system)
    {
        if (!await guard.AdmitAsync(context)) return;
        var sharding = ClusterSharding.Get(system);
        await SignInAnswers.WriteAsync(context, 200, new JsonObject
        {
            ["self"] = Cluster.Get(system).SelfAddress.ToString(),
            ["regions"] = new JsonArray(sharding.ShardTypeNames.Order().Select(name => (JsonNode)new JsonObject
            {
                ["type"] = name,
                ["path"] = sharding.ShardRegion(name).Path.ToStringWithoutAddress(),
            }).ToArray()),
        });
    }

    private static async Task RegionStatsAsync(HttpContext context, string type, ManagementGuard guard, ActorSystem system)
    {
        if (!await guard.AdmitAsync(context)) return;
        if (!ClusterSharding.Get(system).ShardTypeNames.Contains(type))
        {
            await SignInAnswers.FailAsync(context, 404, $"This node runs no shard region named '{type}' (see router diag cluster sharding regions).");
            return;
        }
        var stats = await ClusterShardStats.GatherAsync(system, type, ClusterShardStats.DefaultTimeout, context.RequestAborted);
        var nodes = stats.Regions.OrderBy(r => r.Key.ToString(), StringComparer.Ordinal).Select(r => (JsonNode)new JsonObject
        {
            ["address"] = r.Key.ToString(),
            ["shard_count"] = r.Value.Stats.Count,
            ["entity_count"] = r.Value.Stats.Values.Sum(),
            ["shards"] = new JsonArray(r.Value.Stats.OrderBy(s => s.Key, StringComparer.Ordinal)
                .Select(s => (JsonNode)new JsonObject { ["id"] = s.Key, ["entities"] = s.Value }).ToArray()),
            ["failed_shards"] = new JsonArray(r.Value.Failed.Order().Select(s => (JsonNode)s).ToArray()),
        });
        await SignInAnswers.WriteAsync(context, 200, new JsonObject
        {
            ["type"] = type,
            ["complete"] = stats.NoReply.Count == 0,
            ["shard_count"] = stats.Regions.Values.Sum(r => r.Stats.Count),
            ["entity_count"] = stats.Regions.Values.Sum(r => r.Stats.Values.Sum()),
            ["nodes"] = new JsonArray(nodes.ToArray()),
            ["did_not_reply"] = new JsonArray(stats.NoReply.Select(a => (JsonNode)a.ToString()).ToArray()),
        });
    }
}
