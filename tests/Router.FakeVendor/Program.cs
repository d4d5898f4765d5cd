using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Router.FakeVendor;
using Router.Tests.Fakes;

// Plays OpenAI, OpenAI Responses, Anthropic and Gemini on one port with their exact wire formats.
// A conversation whose last user text says TOOLTEST gets one call to a harmless tool the client
// offered; once a tool result is present the answer is "TOOL-DONE"; otherwise "PONG from <vendor>".
var port = args.SkipWhile(a => a != "--port").Skip(1).Select(int.Parse).FirstOrDefault();
var fake = await FakeUpstream.StartAsync(port);
fake.DefaultReply = (context, body) => Script.Reply(context, body ?? new JsonObject())(context, body);
Console.WriteLine($"fake vendor listening on {fake.BaseUrl}");
await Task.Delay(Timeout.Infinite);
