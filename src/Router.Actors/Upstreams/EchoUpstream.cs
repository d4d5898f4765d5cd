using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Router.Protocols;
using Router.Protocols.Json;
using Router.Protocols.Canonical;

namespace Router.Actors.Upstreams;

/// <summary>
/// The local `echo` provider: answers "echo: &lt;last user text&gt;" in OpenAI Chat format without any
/// network, so the rest of the pipeline (translation, streaming, failover) runs exactly as for a real one.
/// </summary>
public sealed class EchoUpstream : IUpstream
{
    public IWireFormat Format => WireFormats.OpenAiChat;

    public Task<HttpResponseMessage> SendAsync(UpstreamRequest call, CancellationToken cancellationToken)
    {
        var (request, upstreamModel, stream) = (Format.DecodeRequest(call.Body), call.Model, call.Stream);
        var text = "echo: " + (request.Messages.LastOrDefault(m => m.Role == Role.User)?.JoinedText ?? "");
        var id = "chatcmpl-echo-" + Guid.NewGuid().ToString("N")[..12];
        var usage = new Usage(CountWords(request), CountWords(text));
        var payload = stream ? StreamBody(request, id, upstreamModel, text, usage) : WholeBody(id, upstreamModel, text, usage);
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(payload) };
        response.Content.Headers.ContentType = new(stream ? "text/event-stream" : "application/json");
        return Task.FromResult(response);
    }

    private byte[] WholeBody(string id, string model, string text, Usage usage) =>
        JsonBytes.Serialize(Format.EncodeResponse(
            new ChatResponse(id, model, [new TextPart(text)], FinishReason.Stop, usage, DateTimeOffset.UtcNow)));

    private byte[] StreamBody(ChatRequest request, string id, string model, string text, Usage usage)
    {
        var encoder = Format.CreateStreamEncoder(request);
        StreamEvent[] events =
        [
            new MessageStarted(id, model),
            .. text.Split(' ').Select((word, i) => new TextDelta(i == 0 ? word : " " + word)),
            new MessageFinished(FinishReason.Stop, usage),
        ];
        var wire = new StringBuilder();
        foreach (var frame in events.SelectMany(encoder.Encode))
            wire.Append(frame.ToWire());
        return Encoding.UTF8.GetBytes(wire.ToString());
    }

    private static int CountWords(ChatRequest request) => request.Messages.Sum(m => CountWords(m.JoinedText));

    // Counted in place: splitting a prompt of many megabytes would copy it all.
    private static int CountWords(string text)
    {
        var (words, inWord) = (0, false);
        foreach (var c in text)
        {
            if (c != ' ' && !inWord) words++;
            inWord = c != ' ';
        }
        return words;
    }
}
