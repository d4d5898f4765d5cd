using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json.Nodes;
using Router.Protocols;
using Router.Protocols.Canonical;

namespace Router.Tests.Protocols;

/// <summary>
/// Round-trip properties of every adapter: decode(encode(x)) keeps what the format can express —
/// requests, whole answers and streams — over a set of varied canonical values.
/// </summary>
public sealed class RoundTripTests
{
    public static TheoryData<string> Formats => new() { "openai-chat", "openai-responses", "anthropic", "gemini" };

    private static IWireFormat Format(string name) => name switch
    {
        "openai-chat" => WireFormats.OpenAiChat,
        "openai-responses" => WireFormats.OpenAiResponses,
        "anthropic" => WireFormats.AnthropicMessages,
        _ => WireFormats.Gemini,
    };

    private static readonly JsonObject Schema = new() { ["type"] = "object", ["properties"] = new JsonObject { ["city"] = new JsonObject { ["type"] = "string" } } };

    /// <summary>Varied requests: plain, with system, multi-turn, images, tools with calls and results, options.</summary>
    private static IEnumerable<ChatRequest> Requests()
    {
        yield return new ChatRequest { Model = "m", Messages = [ChatMessage.Text(Role.User, "Hello")] };
        yield return new ChatRequest
        {
            Model = "m", Temperature = 0.25, TopP = 0.5, MaxTokens = 77, Stop = ["END"],
            Messages = [ChatMessage.Text(Role.System, "Be brief."), ChatMessage.Text(Role.User, "One"), ChatMessage.Text(Role.Assistant, "Two"), ChatMessage.Text(Role.User, "Three")],
        };
        yield return new ChatRequest
        {
            Model = "m",
            Messages = [new ChatMessage(Role.User, [new TextPart("What is this?"), new ImagePart(null, "image/png", "iVBORw0KGgo=")])],
        };
        for (var calls = 1; calls <= 2; calls++)
        {
            var callParts = Enumerable.Range(0, calls).Select(i => (ContentPart)new ToolCallPart($"call_weather_{i}", "weather", $"{{\"city\":\"C{i}\"}}")).ToList();
            var resultParts = Enumerable.Range(0, calls).Select(i => (ContentPart)new ToolResultPart($"call_weather_{i}", $"sunny {i}")).ToList();
            yield return new ChatRequest
            {
                Model = "m",
                Tools = [new ToolDefinition("weather", "Weather by city", Schema.DeepClone())],
                ToolChoice = new ToolChoice(ToolChoiceKind.Required),
                Messages = [ChatMessage.Text(Role.User, "Weather?"), new ChatMessage(Role.Assistant, callParts), new ChatMessage(Role.Tool, resultParts), ChatMessage.Text(Role.User, "Thanks")],
            };
        }
    }

    /// <summary>What every format can say about a request, in comparable form.</summary>
    private static string Project(ChatRequest r, bool idsSurvive)
    {
        var lines = new List<string>();
        var system = string.Join("\n\n", r.Messages.Where(m => m.Role is Role.System or Role.Developer).Select(m => m.JoinedText));
        if (system.Length > 0) lines.Add("system: " + system);
        foreach (var m in r.Messages.Where(m => m.Role is not (Role.System or Role.Developer)))
            foreach (var p in m.Content)
                lines.Add(p switch
                {
                    TextPart t => $"{m.Role}: text {t.Text}",
                    ImagePart i => $"{m.Role}: image {i.MediaType} {i.Base64Data}{i.Url}",
                    ToolCallPart c => $"{m.Role}: call {(idsSurvive ? c.Id : "")} {c.Name} {JsonNode.Parse(c.ArgumentsJson)!.ToJsonString()}",
                    ToolResultPart t => $"tool: result {(idsSurvive ? t.ToolCallId : "")} {ResultText(t.Content)}",
                    _ => $"{m.Role}: {p.GetType().Name}",
                });
        lines.Add($"tools: {string.Join(",", r.Tools.Select(t => t.Name + "/" + t.Description + "/" + t.ParametersSchema?.ToJsonString()))}");
        lines.Add($"choice: {r.ToolChoice?.Kind}; temperature {r.Temperature}; top_p {r.TopP}; max {r.MaxTokens}; stop {string.Join("|", r.Stop)}");
        return string.Join("\n", lines);
    }

    /// <summary>Gemini wraps a plain-text tool result as {"result": text}.</summary>
    private static string ResultText(string content)
    {
        try { return JsonNode.Parse(content) is JsonObject o && o["result"] is { } x ? x.GetValue<string>() : content; }
        catch (System.Text.Json.JsonException) { return content; }
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Requests_survive_encode_then_decode(string name)
    {
        var format = Format(name);
        foreach (var request in Requests())
        {
            var body = format.EncodeRequest(request, "m");
            body["model"] ??= "m"; // Gemini carries the model in the URL
            if (name == "anthropic") Assert.NotNull(body["max_tokens"]);
            var decoded = format.DecodeRequest(body);
            // Gemini has no call ids of its own: calls and results pair up by function name instead.
            // What a format cannot say: Anthropic always sends max_tokens (4096 by default); Responses has no stop sequences.
            var expected = request with
            {
                MaxTokens = request.MaxTokens ?? (name == "anthropic" ? 4096 : null),
                Stop = name == "openai-responses" ? [] : request.Stop,
            };
            Assert.Equal(Project(expected, name != "gemini"), Project(decoded, name != "gemini"));
        }
    }

    private static IEnumerable<ChatResponse> Responses()
    {
        yield return new ChatResponse("r1", "m", [new TextPart("Hello there")], FinishReason.Stop, new Usage(10, 5), DateTimeOffset.FromUnixTimeSeconds(1700000000));
        yield return new ChatResponse("r2", "m", [new TextPart("Checking."), new ToolCallPart("call_a", "weather", "{\"city\":\"Oslo\"}")], FinishReason.ToolCalls, new Usage(20, 7, CachedInputTokens: 4), DateTimeOffset.FromUnixTimeSeconds(1700000000));
        yield return new ChatResponse("r3", "m", [new TextPart("Cut")], FinishReason.Length, new Usage(3, 100), DateTimeOffset.FromUnixTimeSeconds(1700000000));
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Whole_answers_survive_encode_then_decode(string name)
    {
        var format = Format(name);
        foreach (var response in Responses())
        {
            var decoded = format.DecodeResponse(format.EncodeResponse(response));
            Assert.Equal(response.JoinedText, decoded.JoinedText);
            Assert.Equal(response.FinishReason, decoded.FinishReason);
            Assert.Equal(response.Usage!.InputTokens, decoded.Usage!.InputTokens);
            Assert.Equal(response.Usage.OutputTokens, decoded.Usage.OutputTokens);
            Assert.Equal(
                response.Content.OfType<ToolCallPart>().Select(c => (c.Name, JsonNode.Parse(c.ArgumentsJson)!.ToJsonString())),
                decoded.Content.OfType<ToolCallPart>().Select(c => (c.Name, JsonNode.Parse(c.ArgumentsJson)!.ToJsonString())));
        }
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task Streams_survive_encode_then_decode(string name)
    {
        var format = Format(name);
        StreamEvent[][] streams =
        [
            [new MessageStarted("s1", "m"), new TextDelta("Hel"), new TextDelta("lo"), new MessageFinished(FinishReason.Stop, new Usage(4, 2))],
            [new MessageStarted("s2", "m"), new TextDelta("Let me look."), new ToolCallStarted(0, "call_1", "weather"), new ToolCallArgumentsDelta(0, "{\"ci"), new ToolCallArgumentsDelta(0, "ty\":\"Rome\"}"),
             new ToolCallStarted(1, "call_2", "time"), new ToolCallArgumentsDelta(1, "{}"), new MessageFinished(FinishReason.ToolCalls, new Usage(9, 3))],
        ];
        foreach (var events in streams)
        {
            var encoder = format.CreateStreamEncoder(new ChatRequest { Model = "m", Messages = [], Stream = true, IncludeUsage = true });
            var wire = string.Concat(events.SelectMany(encoder.Encode).Select(f => f.ToWire()));
            var decoder = format.CreateStreamDecoder();
            var decoded = new List<StreamEvent>();
            await foreach (var item in SseParser.Create(new MemoryStream(Encoding.UTF8.GetBytes(wire))).EnumerateAsync())
                decoded.AddRange(decoder.Decode(item));

            Assert.True(decoder.Completed, "the encoded stream must end with the format's end marker");
            Assert.Equal(string.Concat(events.OfType<TextDelta>().Select(t => t.Text)), string.Concat(decoded.OfType<TextDelta>().Select(t => t.Text)));
            Assert.Equal(events.OfType<ToolCallStarted>().Select(c => c.Name), decoded.OfType<ToolCallStarted>().Select(c => c.Name));
            foreach (var call in events.OfType<ToolCallStarted>())
            {
                var index = decoded.OfType<ToolCallStarted>().Single(c => c.Name == call.Name).Index;
                Assert.Equal(
                    JsonNode.Parse(string.Concat(events.OfType<ToolCallArgumentsDelta>().Where(a => a.Index == call.Index).Select(a => a.ArgumentsJsonDelta)))!.ToJsonString(),
                    JsonNode.Parse(string.Concat(decoded.OfType<ToolCallArgumentsDelta>().Where(a => a.Index == index).Select(a => a.ArgumentsJsonDelta)))!.ToJsonString());
            }
            var finished = Assert.IsType<MessageFinished>(decoded[^1]);
            Assert.Equal(((MessageFinished)events[^1]).Reason, finished.Reason);
            Assert.Equal(((MessageFinished)events[^1]).Usage!.OutputTokens, finished.Usage!.OutputTokens);
        }
    }
}
