using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Cluster;
using AkkaCluster = Akka.Cluster.Cluster;

namespace Router.Actors.Hosting.Cluster;

/// <summary>
/// What this node knows of the cluster, for /v1/health and `status`: its own address and status,
/// every member with status and reachability, the leader. A node is ready once it is Up and (see
/// <see cref="WithShardingAsync"/>) its shard regions have registered.
/// </summary>
public sealed record ClusterView(bool Enabled, string Self, string Status, bool Ready, string? Leader, IReadOnlyList<ClusterView.Member> Members)
{
    /// <summary>Shard regions that have not registered with their coordinator yet (a cluster node is not ready until none is left).</summary>
    public IReadOnlyList<string> WaitingFor { get; init; } = [];

    public sealed record Member(string Address, string Status, bool Reachable, IReadOnlyList<string> Roles);

    public static ClusterView Of(ActorSystem system, bool enabled)
    {
        var cluster = AkkaCluster.Get(system);
        var state = cluster.State;
        var unreachable = state.Unreachable.Select(m => m.UniqueAddress).ToHashSet();
        var self = cluster.SelfMember;
        var joined = state.Members.Any(m => m.UniqueAddress == self.UniqueAddress);
        var status = joined ? Name(self.Status) : cluster.IsTerminated ? "removed" : "not-joined";
        var members = state.Members
            .Select(m => new Member(m.Address.ToString(), Name(m.Status), !unreachable.Contains(m.UniqueAddress), m.Roles.ToList()))
            .ToList();
        // A cluster of one is ready at once: its own join takes a moment and nothing waits on it.
        var ready = !enabled || (joined && self.Status == MemberStatus.Up);
        return new ClusterView(enabled, cluster.SelfAddress.ToString(), status, ready, state.Leader?.ToString(), members);
    }

    /// <summary>
    /// An Up cluster node is ready only once its account and roster regions have registered: before that a
    /// request to it waits for accounts it cannot locate, and a load balancer had better send it elsewhere.
    /// </summary>
    public async Task<ClusterView> WithShardingAsync(ActorSystem system, TimeSpan within)
    {
        if (!Enabled || !Ready) return this;
        var waiting = await ShardingReadiness.WaitingForAsync(system, within);
        return waiting.Count == 0 ? this : this with { Ready = false, WaitingFor = waiting };
    }

    public JsonObject ToJson()
    {
        var members = new JsonArray();
        foreach (var m in Members)
            members.Add(new JsonObject
            {
                ["address"] = m.Address,
                ["status"] = m.Status,
                ["reachable"] = m.Reachable,
                ["roles"] = new JsonArray(m.Roles.Select(r => (JsonNode)r).ToArray()),
            });
        return new JsonObject
        {
            ["enabled"] = Enabled,
            ["self"] = Self,
            ["status"] = Status,
            ["ready"] = Ready,
            ["waiting_for"] = new JsonArray(WaitingFor.Select(r => (JsonNode)r).ToArray()),
            ["leader"] = Leader,
            ["members"] = members,
        };
    }

    private static string Name(MemberStatus status) => status.ToString().ToLowerInvariant() switch
    {
        "weaklyup" => "weakly-up",
        "preparingforshutdown" => "preparing-for-shutdown",
        "readyforshutdown" => "ready-for-shutdown",
        var other => other,
    };
}
