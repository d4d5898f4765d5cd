using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Configuration;
using Router.Actors.Hosting;
using Router.Actors.Hosting.Cluster;
using Router.Tests.Fakes;

namespace Router.Tests.ClusterState;

/// <summary>A cluster node names the shard regions that have not registered with their coordinator yet, and none once they have.</summary>
public sealed class ShardingReadinessTests
{
    private sealed class Idle : ReceiveActor
    {
        public Idle() => ReceiveAny(_ => { });
    }

    [Fact]
    public async Task Regions_wait_until_they_have_registered_with_their_coordinator()
    {
        var config = ConfigurationFactory.ParseString("""
            akka.actor.provider = cluster
            akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
            akka.cluster.sharding { state-store-mode = ddata, retry-interval = 200ms }
            akka.loglevel = WARNING
            """);
        var system = ActorSystem.Create("readiness", config);
        try
        {
            var sharding = ClusterSharding.Get(system);
            await sharding.StartAsync(AccountRegion.Name, Props.Create(() => new Idle()), ClusterShardingSettings.Create(system), new AccountMessageExtractor());
            await sharding.StartAsync(RosterRegion.Name, Props.Create(() => new Idle()), ClusterShardingSettings.Create(system), new RosterMessageExtractor());

            // Not a member yet: no coordinator to register with.
            Assert.Equal(["account", "roster"], await ShardingReadiness.WaitingForAsync(system, TimeSpan.FromSeconds(1)));

            var cluster = Akka.Cluster.Cluster.Get(system);
            cluster.Join(cluster.SelfAddress);
            await RouterUnderTest.EventuallyAsync(async () => (await ShardingReadiness.WaitingForAsync(system, TimeSpan.FromSeconds(1))).Count == 0,
                "both regions registered", 30_000);
        }
        finally
        {
            await system.Terminate();
        }
    }
}
