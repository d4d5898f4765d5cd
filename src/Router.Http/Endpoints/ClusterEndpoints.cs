using System.Text.Json;
using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Cluster;

namespace Router.Http.Endpoints;

/// <summary>
/// /v0/management/cluster: this node's view of the membership (`router diag cluster show`), and an
/// operator's leave or down of a member (`diag cluster leave|down ADDRESS`). Needs the management key.
/// Members are listed oldest first (the order in which they became Up; the oldest hosts the shard
/// coordinator), `age_rank` 1 being the oldest; members not Up yet come last. Leave and down take {"address": "akka.tcp://router@host:port"}: 400 for
/// a malformed address, 404 for one that is not a member, 409 for this node when it is the only
/// member (leaving would stop the router: `router stop` does that).
/// </summary>
public static class ClusterEndpoints
{
    public static void Map(WebApplication app)
    {
        app.MapGet("/v0/management/cluster", ShowAsync);
        app.MapPost("/v0/management/cluster/leave", (HttpContext context, ManagementGuard guard, ActorSystem system) =>
            ChangeAsync(context, guard, system, "leave", (cluster, address) => cluster.Leave(address)));
        app.MapPost("/v0/management/cluster/down", (HttpContext context, ManagementGuard guard, ActorSystem system) =>
            ChangeAsync(context, guard, system, "down", (cluster, address) => cluster.Down(address)));
        ClusterShardingEndpoints.Map(app);
    }

    private static async Task ShowAsync(HttpContext context, ManagementGuard guard, ActorSystem system)
    {
        if (!await guard.AdmitAsync(context)) return;
        await SignInAnswers.WriteAsync(context, 200, Describe(Cluster.Get(system)));
    }

    /// <summary>{self, self_status, leader, members: [...oldest first], unreachable: [addresses]}.</summary>
    public static JsonObject Describe(Cluster cluster)
    {
        var state = cluster.State;
        var unreachable = state.Unreachable.Select(m => m.Address).ToHashSet();
        var members = state.Members.OrderBy(m => m, Member.AgeOrdering).Select((m, i) => (JsonNode)new JsonObject
        {
            ["address"] = m.Address.ToString(),
            ["status"] = Status(m.Status),
            ["roles"] = new JsonArray(m.Roles.Order().Select(r => (JsonNode)r).ToArray()),
            ["reachable"] = !unreachable.Contains(m.Address),
            ["age_rank"] = i + 1,
            ["self"] = m.Address == cluster.SelfAddress,
            ["leader"] = m.Address == state.Leader,
        });
        return new JsonObject
        {
            ["self"] = cluster.SelfAddress.ToString(),
            ["self_status"] = Status(cluster.SelfMember.Status),
            ["leader"] = state.Leader?.ToString(),
            ["members"] = new JsonArray(members.ToArray()),
            ["unreachable"] = new JsonArray(unreachable.Select(a => (JsonNode)a.ToString()).Order().ToArray()),
        };
    }

    /// <summary>A member status as the JSON shows it: up, joining, weakly_up, leaving, exiting, down, removed...</summary>
    public static string Status(MemberStatus status) => JsonNamingPolicy.SnakeCaseLower.ConvertName(status.ToString());

    private static async Task ChangeAsync(HttpContext context, ManagementGuard guard, ActorSystem system, string verb, Action<Cluster, Address> change)
    {
        if (!await guard.AdmitAsync(context)) return;
        if (await AddressFromBodyAsync(context) is not { } text) return;
        if (!TryParseNodeAddress(text, out var address))
        {
            await SignInAnswers.FailAsync(context, 400, $"'{text}' is not a node address: write it as akka.tcp://router@HOST:PORT (see router diag cluster show).");
            return;
        }
        var cluster = Cluster.Get(system);
        var member = cluster.State.Members.FirstOrDefault(m => m.Address == address);
        if (member is null)
        {
            await SignInAnswers.FailAsync(context, 404, $"{address} is not a member of this node's cluster (see router diag cluster show).");
            return;
        }
        if (address == cluster.SelfAddress && cluster.State.Members.Count(m => m.Status is not (MemberStatus.Down or MemberStatus.Removed)) == 1)
        {
            await SignInAnswers.FailAsync(context, 409, $"{address} is this node and the cluster's only member: it cannot {(verb == "down" ? "be downed" : "leave")} without stopping the router; use `router stop` for that.");
            return;
        }
        change(cluster, address);
        await SignInAnswers.WriteAsync(context, 202, new JsonObject
        {
            ["address"] = address.ToString(),
            ["requested"] = verb,
            ["status_before"] = Status(member.Status),
            ["self"] = address == cluster.SelfAddress,
        });
    }

    /// <summary>The "address" of the JSON body, or null after a 400.</summary>
    private static async Task<string?> AddressFromBodyAsync(HttpContext context)
    {
        try
        {
            var body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            if (body is JsonObject o && o["address"] is JsonValue v && v.TryGetValue<string>(out var address) && address.Length > 0)
                return address;
        }
        catch (JsonException)
        {
        }
        await SignInAnswers.FailAsync(context, 400, """The body must be JSON: {"address": "akka.tcp://router@HOST:PORT"}.""");
        return null;
    }

    /// <summary>A remote node address (protocol, system, host and port), as members are named.</summary>
    public static bool TryParseNodeAddress(string text, out Address address)
    {
        address = Address.AllSystems;
        if (!Address.TryParse(text.Trim(), out var parsed) || parsed.Host is null || parsed.Port is null or <= 0) return false;
        address = parsed;
        return true;
    }
}
