namespace Router.Protocols.Canonical;

public enum FinishReason { Stop, Length, ToolCalls, ContentFilter, Error }

public sealed record Usage(int InputTokens, int OutputTokens, int? CachedInputTokens = null, int? ReasoningTokens = null)
{
    public int TotalTokens => InputTokens + OutputTokens;
}

/// <summary>A whole (non-streamed) answer. Content holds text, tool calls and reasoning in order.</summary>
public sealed record ChatResponse(
    string Id,
    string Model,
    IReadOnlyList<ContentPart> Content,
    FinishReason FinishReason,
    Usage? Usage,
    DateTimeOffset Created)
{
    public string JoinedText => string.Concat(Content.OfType<TextPart>().Select(p => p.Text));
}
