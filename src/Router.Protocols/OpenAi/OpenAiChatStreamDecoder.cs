using System.Net.ServerSentEvents;
using System.Text.Json.Nodes;
using Router.Protocols.Canonical;
using Router.Protocols.Json;

namespace Router.Protocols.OpenAi;

/// <summary>
/// `chat.completion.chunk` items → canonical events. The finish is held back until `[DONE]`, because
/// with stream_options.include_usage the usage arrives in a chunk after the one with finish_reason.
/// </summary>
internal sealed class OpenAiChatStreamDecoder : IStreamDecoder
{
    private bool _started;
    private FinishReason? _finish;
    private Usage? _usage;
    private readonly HashSet<int> _toolCallsStarted = [];

    public bool Completed { get; private set; }

    public IEnumerable<StreamEvent> Decode(SseItem<string> item)
    {
        if (item.Data == "[DONE]")
        {
            Completed = true;
            return [new MessageFinished(_finish ?? FinishReason.Stop, _usage)];
        }
        if (OpenAiChunkReader.TryRead(item.Data, out var plain))
        {
            var plainEvents = new List<StreamEvent>(2);
            Started(plainEvents, plain.Id, plain.Model);
            Text(plainEvents, plain.Reasoning, plain.Content);
            Finish(plain.FinishReason);
            return plainEvents;
        }
        if (JsonRead.TryParse(item.Data) is not JsonObject chunk) return [];
        if (chunk["error"] is JsonObject error)
            return [new StreamFailed(OpenAiErrors.Decode(500, error))];

        var events = new List<StreamEvent>();
        Started(events, JsonRead.Str(chunk, "id"), JsonRead.Str(chunk, "model"));
        if (chunk["usage"] is JsonObject usage)
        {
            _usage = OpenAiChatResponses.DecodeUsage(usage);
            events.Add(new UsageReported(_usage!));
        }
        if ((chunk["choices"] as JsonArray)?.FirstOrDefault() is not JsonObject choice) return events;

        var delta = choice["delta"] as JsonObject;
        Text(events, JsonRead.Str(delta, "reasoning_content"), JsonRead.Str(delta, "content"));
        foreach (var call in (delta?["tool_calls"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var index = JsonRead.Int(call, "index") ?? 0;
            if (_toolCallsStarted.Add(index))
                events.Add(new ToolCallStarted(index, JsonRead.Str(call, "id") ?? $"call_{index}", JsonRead.Str(call["function"], "name") ?? ""));
            if (JsonRead.Str(call["function"], "arguments") is { Length: > 0 } arguments)
                events.Add(new ToolCallArgumentsDelta(index, arguments));
        }
        Finish(JsonRead.Str(choice, "finish_reason"));
        return events;
    }

    /// <summary>The message starts with the first chunk, whatever else it carries.</summary>
    private void Started(List<StreamEvent> events, string? id, string? model)
    {
        if (_started) return;
        _started = true;
        events.Add(new MessageStarted(id ?? "", model ?? ""));
    }

    /// <summary>A delta's reasoning, then its text (before its tool calls).</summary>
    private static void Text(List<StreamEvent> events, string? reasoning, string? text)
    {
        if (reasoning is { Length: > 0 }) events.Add(new ReasoningDelta(reasoning));
        if (text is { Length: > 0 }) events.Add(new TextDelta(text));
    }

    /// <summary>The finish is held until [DONE] (usage may come after it).</summary>
    private void Finish(string? reason)
    {
        if (reason is not null) _finish = OpenAiChatResponses.DecodeFinish(reason);
    }
}
