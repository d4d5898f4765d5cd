using System.Text.Json;
using Router.Protocols.Canonical;
using Router.Protocols.Json;
using static Router.Protocols.Json.PlainShape;

namespace Router.Protocols.Gemini;

/// <summary>
/// A streamed GenerateContentResponse that carries only text, read straight from its text without building a tree:
/// nearly every chunk of a stream is one. It reads `responseId`, `modelVersion`, `usageMetadata`'s counts and the first
/// candidate's `finishReason` and its one text part, and passes over every other field (`role`, `index`,
/// `safetyRatings`, `totalTokenCount`, …). A chunk with anything more to say — an `error`, a part other than plain text
/// (a thought, a function call, a second part), a field of an unexpected kind, a key twice in an object the tree
/// reader would look into, or text that is not JSON — is left to the tree reader, which then decides as it always did.
/// </summary>
internal static class GeminiChunkReader
{
    /// <summary>The fields of one plain chunk; null where the chunk did not send them (or sent null).</summary>
    public readonly record struct Chunk(string? ResponseId, string? ModelVersion, Usage? Usage, string? Text, string? FinishReason);

    public static bool TryRead(string data, out Chunk chunk) => Utf8Reading.TryRead(data, TryRead, out chunk);

    private static bool TryRead(ReadOnlySpan<byte> json, out Chunk chunk)
    {
        chunk = default;
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
        var others = new PassedOverFields();
        string? id = null, model = null;
        Usage? usage = null;
        Chunk candidate = default;
        bool seenId = false, seenModel = false, seenUsage = false, seenCandidates = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("responseId"u8))
            {
                if (!Once(ref seenId) || !ReadOptionalString(ref reader, out id)) return false;
            }
            else if (reader.ValueTextEquals("modelVersion"u8))
            {
                if (!Once(ref seenModel) || !ReadOptionalString(ref reader, out model)) return false;
            }
            else if (reader.ValueTextEquals("usageMetadata"u8))
            {
                if (!Once(ref seenUsage) || !ReadUsage(ref reader, json, out usage)) return false;
            }
            else if (reader.ValueTextEquals("candidates"u8))
            {
                if (!Once(ref seenCandidates) || !ReadFirstObject(ref reader, json, ReadCandidate, out candidate)) return false;
            }
            else if (reader.ValueTextEquals("error"u8) || !others.Add(ref reader, json)) return false;
            else reader.Skip();
        }
        if (!EndsHere(ref reader)) return false;
        chunk = candidate with { ResponseId = id, ModelVersion = model, Usage = usage };
        return true;
    }

    /// <summary>The first candidate: its finish and its one text part.</summary>
    private static bool ReadCandidate(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, out Chunk candidate)
    {
        candidate = default;
        var others = new PassedOverFields();
        string? finish = null, text = null;
        bool seenFinish = false, seenContent = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("finishReason"u8))
            {
                if (!Once(ref seenFinish) || !ReadOptionalString(ref reader, out finish)) return false;
            }
            else if (reader.ValueTextEquals("content"u8))
            {
                if (!Once(ref seenContent) || !ReadContent(ref reader, json, out text)) return false;
            }
            else if (!others.Add(ref reader, json)) return false;
            else reader.Skip();
        }
        if (reader.TokenType != JsonTokenType.EndObject) return false;
        candidate = new Chunk(null, null, null, text, finish);
        return true;
    }

    /// <summary>`content` with at most one part, and that part plain text: {"parts": [{"text": "..."}], "role": ...}.</summary>
    private static bool ReadContent(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, out string? text)
    {
        text = null;
        if (!reader.Read()) return false;
        if (reader.TokenType == JsonTokenType.Null) return true;
        if (reader.TokenType != JsonTokenType.StartObject) return false;
        var others = new PassedOverFields();
        var seenParts = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("parts"u8))
            {
                if (!Once(ref seenParts) || !ReadParts(ref reader, out text)) return false;
            }
            else if (!others.Add(ref reader, json)) return false;
            else reader.Skip();
        }
        return reader.TokenType == JsonTokenType.EndObject;
    }

    private static bool ReadParts(ref Utf8JsonReader reader, out string? text)
    {
        text = null;
        if (!reader.Read()) return false;
        if (reader.TokenType == JsonTokenType.Null) return true;
        if (reader.TokenType != JsonTokenType.StartArray || !reader.Read()) return false;
        if (reader.TokenType == JsonTokenType.EndArray) return true;
        // One part, with a text and nothing else.
        if (reader.TokenType != JsonTokenType.StartObject) return false;
        var seenText = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            if (!reader.ValueTextEquals("text"u8) || !Once(ref seenText) || !ReadOptionalString(ref reader, out text)) return false;
        return reader.TokenType == JsonTokenType.EndObject && reader.Read() && reader.TokenType == JsonTokenType.EndArray;
    }

    /// <summary>usageMetadata's counts, each a whole number that fits an int (anything else: the tree reader).</summary>
    private static bool ReadUsage(ref Utf8JsonReader reader, ReadOnlySpan<byte> json, out Usage? usage)
    {
        usage = null;
        if (!reader.Read()) return false;
        if (reader.TokenType == JsonTokenType.Null) return true;
        if (reader.TokenType != JsonTokenType.StartObject) return false;
        var others = new PassedOverFields();
        int? prompt = null, candidates = null, cached = null, thoughts = null;
        bool seenPrompt = false, seenCandidates = false, seenCached = false, seenThoughts = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("promptTokenCount"u8)) { if (!Once(ref seenPrompt) || !ReadCount(ref reader, out prompt)) return false; }
            else if (reader.ValueTextEquals("candidatesTokenCount"u8)) { if (!Once(ref seenCandidates) || !ReadCount(ref reader, out candidates)) return false; }
            else if (reader.ValueTextEquals("cachedContentTokenCount"u8)) { if (!Once(ref seenCached) || !ReadCount(ref reader, out cached)) return false; }
            else if (reader.ValueTextEquals("thoughtsTokenCount"u8)) { if (!Once(ref seenThoughts) || !ReadCount(ref reader, out thoughts)) return false; }
            else if (!others.Add(ref reader, json)) return false;
            else reader.Skip();
        }
        if (reader.TokenType != JsonTokenType.EndObject) return false;
        usage = GeminiResponses.UsageFrom(prompt, candidates, cached, thoughts);
        return true;
    }

    /// <summary>A count: a number that fits an int, or null for JSON null; false for any other kind or number.</summary>
    private static bool ReadCount(ref Utf8JsonReader reader, out int? count)
    {
        count = null;
        if (!reader.Read()) return false;
        if (reader.TokenType == JsonTokenType.Null) return true;
        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out var value)) return false;
        count = value;
        return true;
    }
}
