using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Router.FakeVendor;
using Router.Tests.Fakes;

// Plays OpenAI, OpenAI Responses, Anthropic and Gemini on one port with their exact wire formats.
// A conversation whose last user text says TOOLTEST gets one call to a harmless tool the client
// offered; once a tool result is present the answer is "TOOL-DONE"; otherwise "PONG from <vendor>".
// As a side service under the router's supervision (tests of http-proxy `service`):
//   GET /health answers 200, or 503 while the file named by --unhealthy-file exists;
//   --exit-after-ms N exits with code 3 after N ms (a crashing service);
//   --ignore-sigterm keeps serving after SIGTERM (a service only SIGKILL stops).
string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();

if (Option("--exit-after-ms") is { } exitAfter)
{
    await Task.Delay(int.Parse(exitAfter));
    Console.Error.WriteLine("fake vendor: exiting on purpose");
    return 3;
}

var port = int.Parse(Option("--port") ?? "0");
var unhealthyFile = Option("--unhealthy-file");
var ignoreSigterm = args.Contains("--ignore-sigterm");
FakeUpstream.Reply reply = (context, body) =>
{
    if (context.Request.Path == "/health")
    {
        context.Response.StatusCode = unhealthyFile is not null && File.Exists(unhealthyFile) ? 503 : 200;
        return context.Response.WriteAsync(context.Response.StatusCode == 200 ? "ok" : "unhealthy");
    }
    return Script.Reply(context, body ?? new JsonObject())(context, body);
};
while (true)
{
    var fake = await FakeUpstream.StartAsync(port);
    fake.DefaultReply = reply;
    Console.WriteLine($"fake vendor listening on {fake.BaseUrl} (pid {Environment.ProcessId})");
    await fake.WaitForShutdownAsync(); // SIGTERM (the router stopping its side service, the e2e script) ends it at once
    if (!ignoreSigterm) return 0;
    // The host stopped on SIGTERM, but the process did not exit: serve again on the same port.
    Console.WriteLine("fake vendor: ignoring SIGTERM");
    await fake.DisposeAsync();
    port = fake.Port;
}
