using System.Text.Json;
using System.Text.Json.Nodes;
using Router.Protocols.Anthropic;
using Router.Protocols.Gemini;
using Router.Protocols.OpenAi;
using Router.Protocols.OpenAiResponses;
using Router.Protocols.Canonical;
using Router.Protocols.Json;

namespace Router.Protocols;

/// <summary>
/// The token usage of a whole answer in a known format, read without parsing the rest of it: one
/// forward pass of a reader over the body, and only the usage object is materialized.
/// </summary>
public static class UsageScan
{
    /// <summary>The usage a whole answer body reports, or null when it has none or is not JSON.</summary>
    public static Usage? Read(IWireFormat format, ReadOnlySpan<byte> body)
    {
        var (property, decode) = UsageOf(format);
        if (decode is null) return null;
        try
        {
            var reader = new Utf8JsonReader(body);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isUsage = reader.ValueTextEquals(property);
                if (!reader.Read()) return null;
                if (isUsage)
                    return reader.TokenType == JsonTokenType.StartObject ? decode(StrictJson.ReadObject(ref reader)) : null;
                reader.Skip();
            }
            return null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or ProtocolException)
        {
            return null;
        }
    }

    private static (string Property, Func<JsonObject?, Usage?>? Decode) UsageOf(IWireFormat format) => format switch
    {
        OpenAiChatFormat => ("usage", OpenAiChatResponses.DecodeUsage),
        AnthropicMessagesFormat => ("usage", AnthropicResponses.DecodeUsage),
        ResponsesFormat => ("usage", ResponsesResults.DecodeUsage),
        GeminiFormat => ("usageMetadata", GeminiResponses.DecodeUsage),
        _ => ("", null),
    };
}
