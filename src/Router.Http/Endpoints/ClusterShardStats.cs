using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;

namespace Router.Http.Endpoints;

/// <summary>
/// Shards and entity counts per node of one shard type. The coordinator's GetClusterShardingStats
/// answers with nothing at all when one region is late, so every member it did not cover is asked
/// directly (GetShardRegionStats to its region); a member that does not answer in time is named in
/// <see cref="NoReply"/> instead of failing the whole answer.
/// </summary>
public sealed record ClusterShardStats(IReadOnlyDictionary<Address, ShardRegionStats> Regions, IReadOnlyList<Address> NoReply)
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(3);

    public static async Task<ClusterShardStats> GatherAsync(ActorSystem system, string typeName, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var cluster = Cluster.Get(system);
        var region = ClusterSharding.Get(system).ShardRegion(typeName);
        var regions = new Dictionary<Address, ShardRegionStats>();
        try
        {
            var all = await region.Ask<ClusterShardingStats>(new GetClusterShardingStats(timeout), timeout + TimeSpan.FromSeconds(1), cancellationToken);
            foreach (var (address, stats) in all.Regions)
                regions[address.HasLocalScope ? cluster.SelfAddress : address] = stats;
        }
        catch (AskTimeoutException)
        {
        }
        // This node always counts, member or not yet: its own region answers without a coordinator.
        var members = cluster.State.Members.Where(m => m.Status is MemberStatus.Up or MemberStatus.Leaving or MemberStatus.WeaklyUp)
            .Select(m => m.Address).Append(cluster.SelfAddress).Distinct();
        var missing = members.Where(a => !regions.ContainsKey(a)).ToList();
        var asked = await Task.WhenAll(missing.Select(a => AskRegionAsync(system, a, typeName, timeout, cancellationToken)));
        foreach (var (address, stats) in missing.Zip(asked))
            if (stats is not null) regions[address] = stats;
        return new ClusterShardStats(regions, missing.Where(a => !regions.ContainsKey(a)).ToList());
    }

    /// <summary>The node that runs each shard.</summary>
    public IReadOnlyDictionary<string, Address> NodeOfShard() =>
        Regions.SelectMany(r => r.Value.Stats.Keys.Select(shard => (shard, r.Key)))
            .GroupBy(x => x.shard)
            .ToDictionary(g => g.Key, g => g.First().Key);

    private static async Task<ShardRegionStats?> AskRegionAsync(ActorSystem system, Address node, string typeName, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var path = new RootActorPath(node) / "system" / "sharding" / Uri.EscapeDataString(typeName);
        try
        {
            return await system.ActorSelection(path).Ask<ShardRegionStats>(GetShardRegionStats.Instance, timeout, cancellationToken);
        }
        catch (AskTimeoutException)
        {
            return null;
        }
    }
}
