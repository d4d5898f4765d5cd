using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Router.Protocols.Canonical;
using Router.Protocols.Json;

namespace Router.Protocols.Anthropic;

/// <summary>Canonical events → Anthropic's exact event sequence, opening and closing content blocks by index.</summary>
internal sealed class AnthropicStreamEncoder(ChatRequest request) : IStreamEncoder
{
    private enum Block { None, Text, Thinking, ToolUse }

    private bool _started;
    private int _index = -1;
    private Block _open = Block.None;
    private Usage? _usage;

    public IEnumerable<SseFrame> Encode(StreamEvent streamEvent)
    {
        var frames = new List<SseFrame>();
        switch (streamEvent)
        {
            case MessageStarted started:
                Start(frames, started.Id, started.Model);
                break;
            case TextDelta text:
                Open(frames, Block.Text, () => new JsonObject { ["type"] = "text", ["text"] = "" });
                frames.Add(TextDeltaFrame(text.Text));
                break;
            case ReasoningDelta reasoning:
                Open(frames, Block.Thinking, () => new JsonObject { ["type"] = "thinking", ["thinking"] = "" });
                if (reasoning.Text.Length > 0) frames.Add(Delta(new JsonObject { ["type"] = "thinking_delta", ["thinking"] = reasoning.Text }));
                if (reasoning.Signature is { } signature) frames.Add(Delta(new JsonObject { ["type"] = "signature_delta", ["signature"] = signature }));
                break;
            case ToolCallStarted call:
                Start(frames, null, null);
                Close(frames);
                _open = Block.ToolUse;
                _index++;
                frames.Add(Event("content_block_start", new JsonObject
                {
                    ["index"] = _index,
                    ["content_block"] = new JsonObject { ["type"] = "tool_use", ["id"] = call.Id, ["name"] = call.Name, ["input"] = new JsonObject() },
                }));
                break;
            case ToolCallArgumentsDelta args:
                frames.Add(Delta(new JsonObject { ["type"] = "input_json_delta", ["partial_json"] = args.ArgumentsJsonDelta }));
                break;
            case UsageReported usage:
                _usage = usage.Usage;
                break;
            case MessageFinished finished:
                Start(frames, null, null);
                Close(frames);
                // message_delta's usage counts are cumulative and may carry the input side too: message_start
                // went out before a translated upstream (OpenAI, Gemini) reported any usage.
                var final = finished.Usage ?? _usage;
                frames.Add(Event("message_delta", new JsonObject
                {
                    ["delta"] = new JsonObject { ["stop_reason"] = AnthropicResponses.EncodeStop(finished.Reason), ["stop_sequence"] = null },
                    ["usage"] = final is null ? new JsonObject { ["output_tokens"] = 0 } : AnthropicResponses.EncodeUsage(final),
                }));
                frames.Add(Event("message_stop", new JsonObject()));
                break;
            case StreamFailed failed:
                frames.Add(new SseFrame("error", AnthropicErrors.Encode(failed.Error).ToJsonString()));
                break;
        }
        return frames;
    }

    private void Start(List<SseFrame> frames, string? id, string? model)
    {
        if (_started) return;
        _started = true;
        frames.Add(Event("message_start", new JsonObject
        {
            ["message"] = new JsonObject
            {
                ["id"] = string.IsNullOrEmpty(id) ? "msg_" + Ids.Hex(24) : id,
                ["type"] = "message",
                ["role"] = "assistant",
                ["model"] = string.IsNullOrEmpty(model) ? request.Model : model,
                ["content"] = new JsonArray(),
                ["stop_reason"] = null,
                ["stop_sequence"] = null,
                ["usage"] = new JsonObject { ["input_tokens"] = 0, ["output_tokens"] = 0 },
            },
        }));
    }

    private void Open(List<SseFrame> frames, Block kind, Func<JsonObject> contentBlock)
    {
        Start(frames, null, null);
        if (_open == kind) return;
        Close(frames);
        _open = kind;
        _index++;
        frames.Add(Event("content_block_start", new JsonObject { ["index"] = _index, ["content_block"] = contentBlock() }));
    }

    private void Close(List<SseFrame> frames)
    {
        if (_open == Block.None) return;
        frames.Add(Event("content_block_stop", new JsonObject { ["index"] = _index }));
        _open = Block.None;
    }

    /// <summary>
    /// The frame of one text delta, most of a translated stream's frames: the same bytes as <see cref="Delta"/> writes
    /// for a <c>text_delta</c>, without building a tree per token.
    /// </summary>
    private SseFrame TextDeltaFrame(string text) => new("content_block_delta", string.Concat(
        "{\"type\":\"content_block_delta\",\"index\":", _index.ToString(CultureInfo.InvariantCulture),
        ",\"delta\":{\"type\":\"text_delta\",\"text\":\"", JsonEncodedText.Encode(text).Value, "\"}}"));

    private SseFrame Delta(JsonObject delta) => Event("content_block_delta", new JsonObject { ["index"] = _index, ["delta"] = delta });

    private static SseFrame Event(string type, JsonObject data) => new(type, JsonShape.TypedEvent(type, data).ToJsonString());
}
