namespace Router.Actors.ClusterState;

/// <summary>
/// Cluster Sharding settings for a small cluster, so an account whose node died answers on a
/// survivor within seconds of that node being downed (the defaults take up to a minute).
/// remember-entities stays off: an account wakes on demand (any node's lease request or status
/// read reaches it through the region) and recovers its state from the journal; with the
/// coordinator's state in DistributedData, remembering entities would need a durable store per node.
/// </summary>
public static class ShardingTuning
{
    public const string Hocon = """
        akka.cluster.sharding {
          # A region registers with a (moved) coordinator and asks for shard homes again after this (default 2 s).
          retry-interval = 1s
          # A coordinator that stopped (its node died) is restarted by the singleton after this (default 5 s).
          coordinator-failure-backoff = 1s
          # Handing off a shard, e.g. from a node that leaves, waits at most this (default 60 s).
          handoff-timeout = 10s
          # A shard that failed to start, or an entity that stopped unexpectedly, is started again after this (defaults 10 s).
          shard-start-timeout = 3s
          entity-restart-backoff = 1s
          # Reading and writing the coordinator's state in DistributedData (defaults 2 s and 5 s).
          waiting-for-state-timeout = 2s
          updating-state-timeout = 3s
        }
        akka.cluster {
          # The shard coordinators are cluster singletons: after the node that ran them is removed, the oldest
          # survivor waits this margin before it starts them (with the split brain resolver the default is its
          # stable-after, 20 s, which alone breaks the 10 s goal). A downed node stops its singletons at once.
          down-removal-margin = 2s
        }
        akka.cluster.singleton {
          # The oldest survivor takes over the coordinator without waiting long for the dead node's hand-over.
          hand-over-retry-interval = 500ms
        }
        """;
}
