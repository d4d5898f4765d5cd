namespace Router.Protocols.Canonical;

// The canonical stream: what every upstream stream decodes into and every client stream encodes
// from. A well-formed stream is: MessageStarted, any deltas, MessageFinished. A failed one ends
// with StreamFailed instead.

public abstract record StreamEvent;

public sealed record MessageStarted(string Id, string Model) : StreamEvent;

public sealed record TextDelta(string Text) : StreamEvent;

public sealed record ReasoningDelta(string Text, string? Signature = null) : StreamEvent;

/// <summary>A tool call begins. Index counts tool calls within this message, from 0.</summary>
public sealed record ToolCallStarted(int Index, string Id, string Name) : StreamEvent;

public sealed record ToolCallArgumentsDelta(int Index, string ArgumentsJsonDelta) : StreamEvent;

/// <summary>Usage as it becomes known; may come more than once (the last one wins).</summary>
public sealed record UsageReported(Usage Usage) : StreamEvent;

public sealed record MessageFinished(FinishReason Reason, Usage? Usage) : StreamEvent;

public sealed record StreamFailed(ErrorInfo Error) : StreamEvent;
