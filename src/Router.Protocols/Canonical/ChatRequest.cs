using System.Text.Json.Nodes;

namespace Router.Protocols.Canonical;

// The one request model every wire format decodes into and encodes from (N + M adapters).
// Anything a format can say that has no field here is dropped by that format's encoder with a
// debug line; nothing here is specific to one vendor.

public enum Role { System, Developer, User, Assistant, Tool }

public sealed record ChatMessage(Role Role, IReadOnlyList<ContentPart> Content)
{
    public static ChatMessage Text(Role role, string text) => new(role, [new TextPart(text)]);

    /// <summary>All text parts joined, for formats and places that want a plain string.</summary>
    public string JoinedText => string.Concat(Content.OfType<TextPart>().Select(p => p.Text));
}

public abstract record ContentPart;

public sealed record TextPart(string Text) : ContentPart;

/// <summary>An image by URL, or inline as base64 data with its media type.</summary>
public sealed record ImagePart(string? Url, string? MediaType = null, string? Base64Data = null) : ContentPart;

/// <summary>A call the assistant made. Arguments are the JSON text exactly as the model produced it.</summary>
public sealed record ToolCallPart(string Id, string Name, string ArgumentsJson) : ContentPart;

/// <summary>The answer to a tool call, sent back by the client.</summary>
public sealed record ToolResultPart(string ToolCallId, string Content, bool IsError = false) : ContentPart;

/// <summary>Reasoning / thinking content; Signature carries Anthropic's signature so it can go back.</summary>
public sealed record ReasoningPart(string Text, string? Signature = null) : ContentPart;

public sealed record ToolDefinition(string Name, string? Description, JsonNode? ParametersSchema);

public enum ToolChoiceKind { Auto, None, Required, Specific }

public sealed record ToolChoice(ToolChoiceKind Kind, string? Name = null)
{
    public static readonly ToolChoice Auto = new(ToolChoiceKind.Auto);
}

public enum ResponseFormatKind { Text, JsonObject, JsonSchema }

public sealed record ResponseFormat(ResponseFormatKind Kind, string? SchemaName = null, JsonNode? Schema = null, bool Strict = false);

public sealed record ChatRequest
{
    public required string Model { get; init; }
    public required IReadOnlyList<ChatMessage> Messages { get; init; }
    public IReadOnlyList<ToolDefinition> Tools { get; init; } = [];
    public ToolChoice? ToolChoice { get; init; }
    public bool? ParallelToolCalls { get; init; }
    public double? Temperature { get; init; }
    public double? TopP { get; init; }
    public int? MaxTokens { get; init; }
    public IReadOnlyList<string> Stop { get; init; } = [];
    public ResponseFormat? ResponseFormat { get; init; }
    /// <summary>Reasoning effort ("low" | "medium" | "high") as OpenAI says it.</summary>
    public string? ReasoningEffort { get; init; }
    /// <summary>Thinking token budget as Anthropic says it.</summary>
    public int? ReasoningBudgetTokens { get; init; }
    public bool Stream { get; init; }
    /// <summary>OpenAI's stream_options.include_usage: a final chunk with usage.</summary>
    public bool IncludeUsage { get; init; }
    public string? User { get; init; }
}
