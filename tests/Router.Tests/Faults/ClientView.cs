using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json.Nodes;

namespace Router.Tests.Faults;

/// <summary>What an OpenAI Chat Completions client saw: the status, the text it got, and the error frames of a stream.</summary>
public sealed record ClientView(int Status, string Body, bool IsStream, string Text, int ErrorEvents, bool Done)
{
    public static async Task<ClientView> ReadAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        var isStream = response.Content.Headers.ContentType?.MediaType == "text/event-stream";
        if (!isStream)
        {
            var json = JsonNode.Parse(body) as JsonObject;
            var text = json?["choices"]?[0]?["message"]?["content"]?.GetValue<string>() ?? "";
            return new ClientView((int)response.StatusCode, body, false, text, json?["error"] is null ? 0 : 1, false);
        }
        var content = new StringBuilder();
        var errors = 0;
        var done = false;
        foreach (var item in SseParser.Create(new MemoryStream(Encoding.UTF8.GetBytes(body))).Enumerate())
        {
            if (item.Data == "[DONE]")
            {
                done = true;
                continue;
            }
            var chunk = JsonNode.Parse(item.Data) as JsonObject;
            if (chunk?["error"] is not null) errors++;
            content.Append(((chunk?["choices"] as JsonArray)?.FirstOrDefault())?["delta"]?["content"]?.GetValue<string>());
        }
        return new ClientView((int)response.StatusCode, body, true, content.ToString(), errors, done);
    }

    /// <summary>A short description for the matrix table.</summary>
    public string Describe() => IsStream
        ? $"{Status} stream \"{Text}\"{(ErrorEvents > 0 ? $" + {ErrorEvents} error event" : "")}{(Done ? " [DONE]" : "")}"
        : ErrorEvents > 0 ? $"{Status} error" : $"{Status} \"{Text}\"";
}
