using Akka.Cluster.Sharding;
using Router.Actors.Accounts;

namespace Router.Actors.Hosting;

/// <summary>Registry key of the account shard region.</summary>
public sealed class AccountRegion
{
    /// <summary>The region's type name in Cluster Sharding.</summary>
    public const string Name = "account";
}

/// <summary>Routes account commands to their entity by entity id.</summary>
public sealed class AccountMessageExtractor() : HashCodeMessageExtractor(maxNumberOfShards: 50)
{
    public override string? EntityId(object message) => (message as IAccountCommand)?.EntityId;
}

/// <summary>Registry key of the roster shard region (which accounts signed in, per provider).</summary>
public sealed class RosterRegion
{
    /// <summary>The region's type name in Cluster Sharding.</summary>
    public const string Name = "roster";
}

/// <summary>Routes roster commands to the roster of their provider.</summary>
public sealed class RosterMessageExtractor() : HashCodeMessageExtractor(maxNumberOfShards: 10)
{
    public override string? EntityId(object message) => (message as IRosterCommand)?.Provider;
}
