using System.Text.Json;
using System.Text.Json.Nodes;
using Router.Protocols.Canonical;

namespace Router.Protocols.OpenAi;

/// <summary>Canonical events → `chat.completion.chunk` frames exactly as OpenAI streams them, ending with `[DONE]`.</summary>
internal sealed class OpenAiChatStreamEncoder(ChatRequest request) : IStreamEncoder
{
    private string _id = "chatcmpl-" + Ids.Hex(24);
    private string _model = request.Model;
    private readonly long _created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
    private bool _started;
    private Usage? _usage;

    public IEnumerable<SseFrame> Encode(StreamEvent streamEvent)
    {
        switch (streamEvent)
        {
            case MessageStarted started:
                if (started.Id.Length > 0) _id = started.Id;
                if (started.Model.Length > 0) _model = started.Model;
                _textHead = null; // made again from the new id and model
                return Start();
            case TextDelta text when _started:
                return [TextChunk(text.Text)];
            case TextDelta text:
                return [.. Start(), TextChunk(text.Text)];
            case ReasoningDelta reasoning when reasoning.Text.Length > 0:
                return [.. Start(), Chunk(new JsonObject { ["reasoning_content"] = reasoning.Text })];
            case ToolCallStarted call:
                return [.. Start(), Chunk(new JsonObject
                {
                    ["tool_calls"] = new JsonArray(new JsonObject
                    {
                        ["index"] = call.Index, ["id"] = call.Id, ["type"] = "function",
                        ["function"] = new JsonObject { ["name"] = call.Name, ["arguments"] = "" },
                    }),
                })];
            case ToolCallArgumentsDelta args:
                return [.. Start(), Chunk(new JsonObject
                {
                    ["tool_calls"] = new JsonArray(new JsonObject { ["index"] = args.Index, ["function"] = new JsonObject { ["arguments"] = args.ArgumentsJsonDelta } }),
                })];
            case UsageReported usage:
                _usage = usage.Usage;
                return [];
            case MessageFinished finished:
                return Finish(finished);
            case StreamFailed failed:
                return [new SseFrame(null, OpenAiErrors.Encode(failed.Error).ToJsonString())];
            default:
                return [];
        }
    }

    private IEnumerable<SseFrame> Start()
    {
        if (_started) return [];
        _started = true;
        return [Chunk(new JsonObject { ["role"] = "assistant", ["content"] = "" })];
    }

    private IEnumerable<SseFrame> Finish(MessageFinished finished)
    {
        var frames = Start().ToList();
        frames.Add(Chunk(new JsonObject(), OpenAiChatResponses.EncodeFinish(finished.Reason)));
        if (request.IncludeUsage && (finished.Usage ?? _usage) is { } usage)
            frames.Add(Frame(new JsonArray(), OpenAiChatResponses.EncodeUsage(usage)));
        frames.Add(new SseFrame(null, "[DONE]"));
        return frames;
    }

    /// <summary>
    /// The frame of one text delta, most of a translated stream's frames: the same bytes as <see cref="Chunk"/> writes
    /// for <c>{"content": text}</c>, from the chunk's head (made once per id and model) and the escaped text, without
    /// building a tree per token.
    /// </summary>
    private SseFrame TextChunk(string text)
    {
        _textHead ??= new JsonObject { ["id"] = _id, ["object"] = "chat.completion.chunk", ["created"] = _created, ["model"] = _model }
            .ToJsonString()[..^1] + ",\"choices\":[{\"index\":0,\"delta\":{\"content\":";
        return new SseFrame(null, string.Concat(_textHead, "\"", JsonEncodedText.Encode(text).Value, TextTail));
    }

    private const string TextTail = "\"},\"logprobs\":null,\"finish_reason\":null}]}";
    private string? _textHead;

    private SseFrame Chunk(JsonObject delta, string? finishReason = null) =>
        Frame(new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["logprobs"] = null, ["finish_reason"] = finishReason }), null);

    private SseFrame Frame(JsonArray choices, JsonObject? usage)
    {
        var chunk = new JsonObject
        {
            ["id"] = _id, ["object"] = "chat.completion.chunk", ["created"] = _created, ["model"] = _model, ["choices"] = choices,
        };
        if (usage is not null) chunk["usage"] = usage;
        return new SseFrame(null, chunk.ToJsonString());
    }
}
