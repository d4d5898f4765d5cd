using Router.Actors.Configuration;
using Router.Persistence;

namespace Router.Actors.Hosting.Cluster;

/// <summary>
/// Downing for a small cluster. With PostgreSQL the split brain resolver runs lease-majority: the
/// side of a partition that takes the lease (a row in PostgreSQL, <see cref="PostgresLease"/>) keeps
/// running and downs the other; the minority waits before it tries, so the majority wins when it can,
/// and a lone survivor of a two-node cluster takes the lease and lives on. Without PostgreSQL (each
/// node with its own SQLite) there is nothing shared to hold a lease: keep-majority.
/// </summary>
public static class ClusterHocon
{
    public const string LeasePath = "router.cluster-lease";

    public static bool UsesLease(RouterConfig config) => config.Cluster.Enabled && PersistenceHocon.IsPostgres(config.Auth.Store);

    public static string For(RouterConfig config)
    {
        var strategy = UsesLease(config) ? "lease-majority" : "keep-majority";
        var connection = PersistenceHocon.Quote(config.Auth.ConnectionString);
        return $$"""
            akka.cluster {
              split-brain-resolver {
                active-strategy = {{strategy}}
                lease-majority {
                  lease-implementation = "{{LeasePath}}"
                  lease-name = "router-akka-sbr"
                }
              }
            }
            {{LeasePath}} {
              lease-class = "{{typeof(PostgresLease).AssemblyQualifiedName}}"
              connection-string = {{connection}}
              heartbeat-interval = 1s
              # A holder that stops renewing (it died) loses the lease after this; a taker waits as long.
              heartbeat-timeout = 4s
              lease-operation-timeout = 6s
            }
            """;
    }
}
