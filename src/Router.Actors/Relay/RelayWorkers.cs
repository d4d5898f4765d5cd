using Akka.Actor;
using Akka.Hosting;
using Router.Actors.Accounts;
using Router.Actors.Hosting;
using Router.Actors.Providers;

namespace Router.Actors.Relay;

/// <summary>
/// Ties connected workers to their account entities: a socket that opens joins its provider's view
/// (one account per worker), a socket that closes leaves it, and missed pings mark the account
/// degraded. Joins and leaves go out in the order the hub saw them, so a replaced socket's late
/// leave never removes the socket that replaced it.
/// </summary>
public sealed class RelayWorkers(RelayHub hub, IRequiredActor<AccountRegion> accounts)
{
    private static readonly TimeSpan AccountAnswersWithin = TimeSpan.FromSeconds(10);
    private readonly Lock _gate = new();

    public RelayHub Hub => hub;

    /// <summary>
    /// Registers a new socket and makes its account routable once the account entity has answered (a
    /// fresh entity recovers its state first): a worker joins warm, never as an account that stalls calls.
    /// </summary>
    public async Task<RelayConnection> ConnectAsync(ProviderHandle provider, string name, TimeSpan pingInterval)
    {
        RelayConnection connection;
        lock (_gate)
        {
            (connection, var replaced) = hub.Add(provider.Name, name, pingInterval);
            replaced?.Close("replaced by a new connection of the same worker");
        }
        connection.HealthChanged = (c, degraded) =>
            accounts.ActorRef.Tell(new ReportLiveness(c.EntityId, degraded, degraded ? "the worker missed a ping" : "the worker answers again"), ActorRefs.Nobody);
        try
        {
            await accounts.ActorRef.Ask<AccountSnapshot>(new ReportLiveness(connection.EntityId, false, "the worker connected"), AccountAnswersWithin);
        }
        catch (AskTimeoutException)
        {
            // It joins anyway: the provider asks it again, and it refuses a lease itself if it cannot take one.
        }
        lock (_gate)
        {
            if (hub.ByEntity(connection.EntityId) == connection)
                provider.Actor?.Tell(new RosterChanged(Joined: new RosterMember(connection.EntityId, name, connection.Number)), ActorRefs.Nobody);
        }
        return connection;
    }

    public void Disconnected(ProviderHandle provider, RelayConnection connection)
    {
        lock (_gate)
        {
            if (hub.Remove(connection))
                provider.Actor?.Tell(new RosterChanged(Left: connection.EntityId), ActorRefs.Nobody);
        }
    }

    /// <summary>Closes the sockets of the workers <paramref name="which"/> picks; answers how many.</summary>
    public int Disconnect(Func<RelayConnection, bool> which, string reason)
    {
        var chosen = hub.All.Where(which).ToList();
        foreach (var connection in chosen) connection.Close(reason);
        return chosen.Count;
    }
}
