using Akka.Actor;
using Akka.Coordination;
using Akka.Event;

namespace Router.Actors.Hosting.Cluster;

/// <summary>
/// An Akka.Coordination lease held as a row of <see cref="ClusterTable"/>: the split brain resolver's
/// lease-majority strategy keeps the side of a partition that takes it. The holder renews the row
/// every heartbeat-interval; a holder that died stops renewing and the row expires after heartbeat-timeout,
/// so a taker waits that long for a dead holder's row before it gives up.
/// </summary>
public sealed class PostgresLease : Lease
{
    private static readonly TimeSpan RetryEvery = TimeSpan.FromMilliseconds(300);
    private readonly ClusterTable _table;
    private readonly ILoggingAdapter _log;
    private readonly object _gate = new();
    private Timer? _heartbeat;
    private volatile bool _held;
    private DateTime _renewedAt;

    public PostgresLease(LeaseSettings settings, ExtendedActorSystem system) : base(settings)
    {
        _table = new ClusterTable(settings.LeaseConfig.GetString("connection-string"));
        _log = Logging.GetLogger(system, typeof(PostgresLease));
    }

    private TimeSpan Ttl => Settings.TimeoutSettings.HeartbeatTimeout;

    public override Task<bool> Acquire() => Acquire(_ => { });

    public override async Task<bool> Acquire(Action<Exception> leaseLostCallback)
    {
        var deadline = DateTime.UtcNow + Ttl + TimeSpan.FromSeconds(1);
        while (true)
        {
            try
            {
                if (await _table.TryTakeAsync(Settings.LeaseName, Settings.OwnerName, Ttl))
                {
                    StartHeartbeat(leaseLostCallback);
                    _log.Info("Took the cluster lease {0} as {1}", Settings.LeaseName, Settings.OwnerName);
                    return true;
                }
            }
            catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException)
            {
                _log.Warning("Cannot reach PostgreSQL for the cluster lease {0}: {1}", Settings.LeaseName, e.Message);
            }
            if (DateTime.UtcNow >= deadline)
            {
                _log.Warning("The cluster lease {0} is held by another node: {1} does not take it", Settings.LeaseName, Settings.OwnerName);
                return false;
            }
            await Task.Delay(RetryEvery);
        }
    }

    public override async Task<bool> Release()
    {
        StopHeartbeat();
        try
        {
            await _table.ReleaseAsync(Settings.LeaseName, Settings.OwnerName);
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException)
        {
            _log.Warning("Could not release the cluster lease {0} (it expires by itself): {1}", Settings.LeaseName, e.Message);
        }
        return true;
    }

    public override bool CheckLease() => _held;

    private void StartHeartbeat(Action<Exception> leaseLost)
    {
        lock (_gate)
        {
            _held = true;
            _renewedAt = DateTime.UtcNow;
            _heartbeat?.Dispose();
            var every = Settings.TimeoutSettings.HeartbeatInterval;
            _heartbeat = new Timer(_ => _ = RenewAsync(leaseLost), null, every, every);
        }
    }

    private void StopHeartbeat()
    {
        lock (_gate)
        {
            _held = false;
            _heartbeat?.Dispose();
            _heartbeat = null;
        }
    }

    private async Task RenewAsync(Action<Exception> leaseLost)
    {
        if (!_held) return;
        try
        {
            if (await _table.RenewAsync(Settings.LeaseName, Settings.OwnerName, Ttl))
            {
                _renewedAt = DateTime.UtcNow;
                return;
            }
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException)
        {
            // A short database outage is survivable while the row has not expired.
            if (DateTime.UtcNow - _renewedAt < Ttl) return;
        }
        if (!_held) return;
        StopHeartbeat();
        _log.Warning("Lost the cluster lease {0}", Settings.LeaseName);
        leaseLost(new LeaseException($"Lease {Settings.LeaseName} lost by {Settings.OwnerName}"));
    }
}
