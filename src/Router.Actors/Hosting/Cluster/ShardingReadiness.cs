using Akka.Actor;
using Akka.Cluster.Sharding;
using AkkaCluster = Akka.Cluster.Cluster;

namespace Router.Actors.Hosting.Cluster;

/// <summary>
/// Whether this node's account and roster regions have registered with their coordinators. Until a region has,
/// it cannot locate an account, and a request waits in its buffer: after a restart on a busy machine that took
/// seconds, past the lease wait. A region answers GetCurrentRegions from its coordinator once registered and
/// with no regions before that; a coordinator that is busy (moving, updating its state) does not answer in time.
/// </summary>
public static class ShardingReadiness
{
    private static readonly string[] Regions = [AccountRegion.Name, RosterRegion.Name];

    /// <summary>The regions not registered yet (empty when the node can reach every account).</summary>
    public static async Task<IReadOnlyList<string>> WaitingForAsync(ActorSystem system, TimeSpan within)
    {
        var self = AkkaCluster.Get(system).SelfAddress;
        var sharding = ClusterSharding.Get(system);
        var registered = await Task.WhenAll(Regions.Select(async name =>
        {
            try
            {
                var answer = await sharding.ShardRegion(name).Ask<CurrentRegions>(GetCurrentRegions.Instance, within);
                return answer.Regions.Contains(self);
            }
            catch (AskTimeoutException)
            {
                return false;
            }
        }));
        return Regions.Where((_, i) => !registered[i]).ToList();
    }
}
