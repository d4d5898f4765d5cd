using System.Text.Json;
using Router.Protocols.Json;
using static Router.Protocols.Json.PlainShape;

namespace Router.Protocols.OpenAi;

/// <summary>
/// A `chat.completion.chunk` that carries only text read straight from its text, without building a tree: nearly
/// every chunk of a stream is one. It reads `id`, `model`, the first choice's `finish_reason` and its delta's
/// `content` and `reasoning_content`, and passes over every other field. A chunk with anything more to say — an
/// `error`, a `usage` object, `tool_calls`, a field of an unexpected kind, a key twice in an object the tree reader
/// would look into, or text that is not JSON — is left to the tree reader, which then decides exactly as it always did.
/// </summary>
internal static class OpenAiChunkReader
{
    /// <summary>The fields of one plain chunk; null where the chunk did not send them (or sent null).</summary>
    public readonly record struct Chunk(string? Id, string? Model, string? Content, string? Reasoning, string? FinishReason);

    public static bool TryRead(string data, out Chunk chunk) => Utf8Reading.TryRead(data, TryRead, out chunk);

    private static bool TryRead(ReadOnlySpan<byte> json, out Chunk chunk)
    {
        chunk = default;
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
        var others = new PassedOverFields();
        string? id = null, model = null;
        bool seenId = false, seenModel = false, seenChoices = false, seenUsage = false;
        Chunk choice = default;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("id"u8))
            {
                if (!Once(ref seenId) || !ReadOptionalString(ref reader, out id)) return false;
            }
            else if (reader.ValueTextEquals("model"u8))
            {
                if (!Once(ref seenModel) || !ReadOptionalString(ref reader, out model)) return false;
            }
            else if (reader.ValueTextEquals("usage"u8))
            {
                if (!Once(ref seenUsage) || !reader.Read() || reader.TokenType != JsonTokenType.Null) return false;
            }
            else if (reader.ValueTextEquals("choices"u8))
            {
                if (!Once(ref seenChoices) || !ReadFirstObject(ref reader, json, ReadChoice, out choice)) return false;
            }
            else if (reader.ValueTextEquals("error"u8) || !others.Add(ref reader, json)) return false;
            else reader.Skip();
        }
        if (!EndsHere(ref reader)) return false;
        chunk = choice with { Id = id, Model = model };
        return true;
    }

    /// <summary>The first choice: its finish and its delta's text.</summary>
    private static bool ReadChoice(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, out Chunk choice)
    {
        choice = default;
        var others = new PassedOverFields();
        string? finish = null, content = null, reasoning = null;
        bool seenFinish = false, seenDelta = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("finish_reason"u8))
            {
                if (!Once(ref seenFinish) || !ReadOptionalString(ref reader, out finish)) return false;
            }
            else if (reader.ValueTextEquals("delta"u8))
            {
                if (!Once(ref seenDelta) || !ReadDelta(ref reader, json, out content, out reasoning)) return false;
            }
            else if (!others.Add(ref reader, json)) return false;
            else reader.Skip();
        }
        if (reader.TokenType != JsonTokenType.EndObject) return false;
        choice = new Chunk(null, null, content, reasoning, finish);
        return true;
    }

    private static bool ReadDelta(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, out string? content, out string? reasoning)
    {
        content = reasoning = null;
        if (!reader.Read()) return false;
        if (reader.TokenType == JsonTokenType.Null) return true;
        if (reader.TokenType != JsonTokenType.StartObject) return false;
        var others = new PassedOverFields();
        bool seenContent = false, seenReasoning = false, seenToolCalls = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("content"u8))
            {
                if (!Once(ref seenContent) || !ReadOptionalString(ref reader, out content)) return false;
            }
            else if (reader.ValueTextEquals("reasoning_content"u8))
            {
                if (!Once(ref seenReasoning) || !ReadOptionalString(ref reader, out reasoning)) return false;
            }
            else if (reader.ValueTextEquals("tool_calls"u8))
            {
                // Only "no tool calls" is plain: null or an empty array.
                if (!Once(ref seenToolCalls) || !reader.Read()) return false;
                if (reader.TokenType == JsonTokenType.StartArray && (!reader.Read() || reader.TokenType != JsonTokenType.EndArray)) return false;
                if (reader.TokenType is not (JsonTokenType.Null or JsonTokenType.EndArray)) return false;
            }
            else if (!others.Add(ref reader, json)) return false;
            else reader.Skip();
        }
        return reader.TokenType == JsonTokenType.EndObject;
    }
}
