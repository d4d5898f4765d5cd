using Akka.Actor;
using Akka.Event;
using Router.Actors.Configuration;
using AkkaCluster = Akka.Cluster.Cluster;

namespace Router.Actors.Hosting.Cluster;

/// <summary>
/// How a node enters the cluster. Every node may be a seed, and Akka lets only the first seed of
/// the list form a new cluster (when no other seed answers within seed-node-timeout). That is still
/// one case too many: a first seed restarted while its peers are slow to answer forms a second
/// cluster. So with PostgreSQL every Up member keeps a "cluster running" mark fresh in the database;
/// a node that finds the mark fresh joins the other seeds only (it never forms a cluster of its
/// own) and falls back to the ordinary seed process only once the mark expires (no cluster left).
/// </summary>
public sealed class ClusterJoin
{
    public const string RunningMark = "router-cluster-running";
    private static readonly TimeSpan MarkTtl = TimeSpan.FromSeconds(6);
    private static readonly TimeSpan MarkEvery = TimeSpan.FromSeconds(2);

    private readonly ActorSystem _system;
    private readonly AkkaCluster _cluster;
    private readonly ClusterTable? _table;
    private readonly ILoggingAdapter _log;
    private Timer? _marker;

    public ClusterJoin(ActorSystem system, ClusterTable? table)
    {
        _system = system;
        _cluster = AkkaCluster.Get(system);
        _table = table;
        _log = Logging.GetLogger(system, typeof(ClusterJoin));
    }

    public async Task StartAsync(ClusterConfig config)
    {
        var self = _cluster.SelfAddress;
        var seeds = config.SeedNodes.Select(Address.Parse).ToList();
        if (!config.Enabled || seeds.Count == 0)
        {
            _cluster.Join(self);
            return;
        }
        var others = seeds.Where(s => s != self).ToList();
        if (_table is not null)
        {
            _cluster.RegisterOnMemberUp(StartMarking);
            if (others.Count > 0 && await RunningAsync())
            {
                _log.Info("A cluster is running (PostgreSQL says so): joining it through {0}", string.Join(", ", others));
                _cluster.JoinSeedNodes(others);
                _ = FallBackWhenNoClusterAsync(seeds);
                return;
            }
        }
        _cluster.JoinSeedNodes(seeds);
    }

    /// <summary>While this node waits to join, the whole cluster may have stopped: then the ordinary seed process may form it anew.</summary>
    private async Task FallBackWhenNoClusterAsync(IReadOnlyList<Address> seeds)
    {
        while (!_system.WhenTerminated.IsCompleted && !IsMember())
        {
            await Task.Delay(MarkEvery);
            if (IsMember() || await RunningAsync()) continue;
            _log.Info("No cluster is running any more: joining the seed nodes {0}", string.Join(", ", seeds));
            _cluster.JoinSeedNodes(seeds);
            return;
        }
    }

    private bool IsMember() => _cluster.SelfMember.Status is not Akka.Cluster.MemberStatus.Joining and not Akka.Cluster.MemberStatus.Removed;

    private async Task<bool> RunningAsync()
    {
        try
        {
            return await _table!.IsLiveAsync(RunningMark);
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException)
        {
            _log.Warning("Cannot read the cluster mark in PostgreSQL ({0}): joining by the seed nodes alone", e.Message);
            return false;
        }
    }

    private void StartMarking()
    {
        _marker = new Timer(_ => _ = MarkAsync(), null, TimeSpan.Zero, MarkEvery);
        _cluster.RegisterOnMemberRemoved(() => _marker?.Dispose());
    }

    private async Task MarkAsync()
    {
        try
        {
            await _table!.MarkAsync(RunningMark, _cluster.SelfAddress.ToString(), MarkTtl);
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException)
        {
            _log.Warning("Cannot refresh the cluster mark in PostgreSQL: {0}", e.Message);
        }
    }
}
