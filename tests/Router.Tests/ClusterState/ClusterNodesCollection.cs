namespace Router.Tests.ClusterState;

/// <summary>Tests that run three cluster nodes in this process run alone: their timings (a cooldown within a second) must not compete with other tests for the CPU.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterNodesCollection
{
    public const string Name = "Cluster nodes";
}
