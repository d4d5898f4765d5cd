using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Tools.PublishSubscribe;

namespace Router.Actors.ClusterState;

/// <summary>
/// How account state reaches every node at once: the single writer (an account entity for its
/// AccountSnapshot, a roster entity for its RosterMembers) publishes on a distributed pub-sub topic,
/// and every node's provider actors subscribe. A snapshot carries no secret. In an actor system
/// without a cluster (unit tests) the local event stream stands in for the topic.
/// </summary>
public static class AccountStateTopic
{
    /// <summary>AccountSnapshot of every account, after every change of its state.</summary>
    public const string Accounts = "router.account-state";

    /// <summary>RosterMembers of every provider whose accounts sign in, after every sign-in or sign-out.</summary>
    public const string Rosters = "router.rosters";

    public static void Publish(ActorSystem system, string topic, object message)
    {
        if (IsClustered(system))
            DistributedPubSub.Get(system).Mediator.Tell(new Publish(topic, message));
        else
            system.EventStream.Publish(message);
    }

    /// <summary>Subscribes <paramref name="subscriber"/>, which receives the messages themselves (and a SubscribeAck it may ignore).</summary>
    public static void Subscribe(ActorSystem system, string topic, Type messageType, IActorRef subscriber)
    {
        if (IsClustered(system))
            DistributedPubSub.Get(system).Mediator.Tell(new Subscribe(topic, subscriber));
        else
            system.EventStream.Subscribe(subscriber, messageType);
    }

    private static bool IsClustered(ActorSystem system) => system is ExtendedActorSystem { Provider: IClusterActorRefProvider };
}
