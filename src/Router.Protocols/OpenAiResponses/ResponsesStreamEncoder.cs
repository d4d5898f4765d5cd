using System.Text;
using System.Text.Json.Nodes;
using Router.Protocols.Canonical;
using Router.Protocols.Json;

namespace Router.Protocols.OpenAiResponses;

/// <summary>
/// Canonical events → the Responses event sequence: response.created, in_progress, then per output item
/// added / deltas / done, and response.completed carrying the whole output and usage. Every event has
/// its type and a sequence_number counting from 0.
/// </summary>
internal sealed class ResponsesStreamEncoder(ChatRequest request) : IStreamEncoder
{
    private enum Item { None, Message, Reasoning, Call }

    private string _id = "resp_" + Ids.Hex(24);
    private string _model = request.Model;
    private readonly DateTimeOffset _created = DateTimeOffset.UtcNow;
    private readonly List<ContentPart> _done = [];
    private readonly StringBuilder _buffer = new();
    private Item _open = Item.None;
    private ToolCallStarted? _call;
    private bool _started;
    private int _sequence;
    private int _outputIndex = -1;
    private Usage? _usage;

    public IEnumerable<SseFrame> Encode(StreamEvent streamEvent)
    {
        var frames = new List<SseFrame>();
        switch (streamEvent)
        {
            case MessageStarted started:
                if (started.Id.Length > 0) _id = started.Id.StartsWith("resp_") ? started.Id : "resp_" + started.Id;
                if (started.Model.Length > 0) _model = started.Model;
                Start(frames);
                break;
            case TextDelta text:
                Open(frames, Item.Message);
                _buffer.Append(text.Text);
                frames.Add(Event("response.output_text.delta", new() { ["item_id"] = ItemId, ["output_index"] = _outputIndex, ["content_index"] = 0, ["delta"] = text.Text }));
                break;
            case ReasoningDelta { Text.Length: > 0 } reasoning:
                Open(frames, Item.Reasoning);
                _buffer.Append(reasoning.Text);
                frames.Add(Event("response.reasoning_summary_text.delta", new() { ["item_id"] = ItemId, ["output_index"] = _outputIndex, ["summary_index"] = 0, ["delta"] = reasoning.Text }));
                break;
            case ToolCallStarted call:
                Start(frames);
                Close(frames);
                _call = call;
                Open(frames, Item.Call);
                break;
            case ToolCallArgumentsDelta args when _open == Item.Call:
                _buffer.Append(args.ArgumentsJsonDelta);
                frames.Add(Event("response.function_call_arguments.delta", new() { ["item_id"] = ItemId, ["output_index"] = _outputIndex, ["delta"] = args.ArgumentsJsonDelta }));
                break;
            case UsageReported usage:
                _usage = usage.Usage;
                break;
            case MessageFinished finished:
                Start(frames);
                Close(frames);
                var response = ResponsesResults.Build(_id, _model, _created, _done, finished.Reason, finished.Usage ?? _usage, "completed");
                frames.Add(Event(response["status"]!.GetValue<string>() == "incomplete" ? "response.incomplete" : "response.completed", new() { ["response"] = response }));
                break;
            case StreamFailed failed:
                frames.Add(Event("error", new() { ["code"] = failed.Error.Code, ["message"] = failed.Error.Message, ["param"] = failed.Error.Param }));
                break;
        }
        return frames;
    }

    private string ItemId => _open switch
    {
        Item.Message => "msg_" + _id,
        Item.Reasoning => "rs_" + _id,
        _ => "fc_" + _call!.Id,
    };

    private void Start(List<SseFrame> frames)
    {
        if (_started) return;
        _started = true;
        var response = ResponsesResults.Build(_id, _model, _created, [], null, null, "in_progress");
        frames.Add(Event("response.created", new() { ["response"] = response }));
        frames.Add(Event("response.in_progress", new() { ["response"] = response.DeepClone() }));
    }

    private void Open(List<SseFrame> frames, Item kind)
    {
        Start(frames);
        if (_open == kind && kind != Item.Call) return;
        if (kind != Item.Call) Close(frames);
        _open = kind;
        _outputIndex++;
        _buffer.Clear();
        JsonObject item = kind switch
        {
            Item.Message => new() { ["type"] = "message", ["id"] = ItemId, ["status"] = "in_progress", ["role"] = "assistant", ["content"] = new JsonArray() },
            Item.Reasoning => new() { ["type"] = "reasoning", ["id"] = ItemId, ["summary"] = new JsonArray() },
            _ => ResponsesResults.CallItem(ItemId, new ToolCallPart(_call!.Id, _call.Name, ""), "in_progress"),
        };
        frames.Add(Event("response.output_item.added", new() { ["output_index"] = _outputIndex, ["item"] = item }));
        if (kind == Item.Message)
            frames.Add(Event("response.content_part.added", new() { ["item_id"] = ItemId, ["output_index"] = _outputIndex, ["content_index"] = 0, ["part"] = TextPart("") }));
    }

    private void Close(List<SseFrame> frames)
    {
        var text = _buffer.ToString();
        switch (_open)
        {
            case Item.Message:
                frames.Add(Event("response.output_text.done", new() { ["item_id"] = ItemId, ["output_index"] = _outputIndex, ["content_index"] = 0, ["text"] = text }));
                frames.Add(Event("response.content_part.done", new() { ["item_id"] = ItemId, ["output_index"] = _outputIndex, ["content_index"] = 0, ["part"] = TextPart(text) }));
                frames.Add(Event("response.output_item.done", new() { ["output_index"] = _outputIndex, ["item"] = ResponsesResults.MessageItem(ItemId, text, "completed") }));
                _done.Add(new TextPart(text));
                break;
            case Item.Reasoning:
                frames.Add(Event("response.output_item.done", new()
                {
                    ["output_index"] = _outputIndex,
                    ["item"] = new JsonObject { ["type"] = "reasoning", ["id"] = ItemId, ["summary"] = new JsonArray(new JsonObject { ["type"] = "summary_text", ["text"] = text }) },
                }));
                _done.Add(new ReasoningPart(text));
                break;
            case Item.Call:
                var call = new ToolCallPart(_call!.Id, _call.Name, text);
                frames.Add(Event("response.function_call_arguments.done", new() { ["item_id"] = ItemId, ["output_index"] = _outputIndex, ["arguments"] = text }));
                frames.Add(Event("response.output_item.done", new() { ["output_index"] = _outputIndex, ["item"] = ResponsesResults.CallItem(ItemId, call, "completed") }));
                _done.Add(call);
                break;
        }
        _open = Item.None;
    }

    private static JsonObject TextPart(string text) => new() { ["type"] = "output_text", ["text"] = text, ["annotations"] = new JsonArray() };

    private SseFrame Event(string type, JsonObject data) =>
        new(type, JsonShape.TypedEvent(type, data, ("sequence_number", _sequence++)).ToJsonString());
}
