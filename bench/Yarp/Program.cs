// Minimal YARP pass-through: every request on --port goes to --upstream (default the fake upstream).
//   dotnet Yarp.dll [--port 18500] [--upstream http://127.0.0.1:18400/] [--tcp-relay]
// --tcp-relay relays bytes instead, with no HTTP at all (TcpRelay.cs): the floor under any proxy on this machine.
using Yarp.ReverseProxy.Configuration;

var port = 18500;
var upstream = "http://127.0.0.1:18400/";
for (var i = 0; i < args.Length - 1; i++)
{
    if (args[i] == "--port") port = int.Parse(args[++i]);
    else if (args[i] == "--upstream") upstream = args[++i];
}
if (args.Contains("--tcp-relay"))
{
    TcpRelay.Run(port, new Uri(upstream));
    return;
}

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(k =>
{
    k.Listen(System.Net.IPAddress.Loopback, port);
    k.Limits.MaxConcurrentConnections = null;
});
builder.Services.AddReverseProxy().LoadFromMemory(
    [new RouteConfig { RouteId = "all", ClusterId = "fake", Match = new RouteMatch { Path = "{**catch-all}" } }],
    [new ClusterConfig
    {
        ClusterId = "fake",
        Destinations = new Dictionary<string, DestinationConfig> { ["fake"] = new() { Address = upstream } },
        HttpClient = new HttpClientConfig { MaxConnectionsPerServer = int.MaxValue },
    }]);
var app = builder.Build();
app.MapReverseProxy();
Console.WriteLine($"yarp on http://127.0.0.1:{port} -> {upstream}");
app.Run();
