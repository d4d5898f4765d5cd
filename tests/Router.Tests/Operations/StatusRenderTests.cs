using System.Text.Json.Nodes;
using Router.Http.Operations;

namespace Router.Tests.Operations;

/// <summary>`router status` says why a cluster node is not ready when its shard regions wait for their coordinators.</summary>
public sealed class StatusRenderTests
{
    private static string Render(JsonArray waitingFor)
    {
        var status = JsonNode.Parse("""
            {"router": {"health": "healthy", "pid": 1, "uptime_seconds": 5},
             "providers": [],
             "cluster": {"enabled": true, "self": "akka.tcp://router@10.0.0.1:4053", "status": "up", "ready": false,
                         "leader": "akka.tcp://router@10.0.0.2:4053", "members": []}}
            """)!.AsObject();
        status["cluster"]!["waiting_for"] = waitingFor;
        var output = new StringWriter();
        StatusCommand.Render(status, new Uri("http://127.0.0.1:8317/"), output);
        return output.ToString();
    }

    [Fact]
    public void A_node_whose_regions_have_not_registered_says_which()
    {
        Assert.Contains("not ready: its account, roster shard regions have not registered", Render(["account", "roster"]));
        Assert.DoesNotContain("not ready", Render([]));
    }
}
