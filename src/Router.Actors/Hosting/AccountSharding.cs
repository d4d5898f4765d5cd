using Akka.Cluster.Sharding;
using Router.Actors.Accounts;

namespace Router.Actors.Hosting;

/// <summary>Registry key of the account shard region.</summary>
public sealed class AccountRegion;

/// <summary>Routes account commands to their entity by entity id.</summary>
public sealed class AccountMessageExtractor() : HashCodeMessageExtractor(maxNumberOfShards: 50)
{
    public override string? EntityId(object message) => (message as IAccountCommand)?.EntityId;
}
