using Xunit;

namespace Router.Tests.Cluster;

/// <summary>
/// What every cluster test shares, made once per test run: the network bridge and one private
/// PostgreSQL listening on it (each test's cluster gets a database of its own).
/// </summary>
public sealed class ClusterEnvironment : IAsyncLifetime
{
    public ClusterNetwork Network { get; private set; } = null!;
    public PostgresServer Postgres { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Network = await ClusterNetwork.CreateAsync();
        Postgres = await PostgresServer.StartAsync(Network.Isolated ? [Network.HostAddress] : []);
    }

    public async Task DisposeAsync()
    {
        if (Postgres is not null) await Postgres.DisposeAsync();
        if (Network is not null) await Network.DisposeAsync();
    }
}

/// <summary>Cluster tests run one after another (each starts several routers on a 2-core machine) and share one environment.</summary>
[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterEnvironment>
{
    public const string Name = "Cluster";
}
