using System.Text.Json;
using System.Text.Json.Nodes;
using Router.Protocols.Canonical;

namespace Router.Protocols.Tests.Support;

/// <summary>
/// Canonical values as indented JSON text, so equality is by value (lists and JsonNodes included)
/// and a failing Assert.Equal shows a readable diff.
/// </summary>
internal static class Describe
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static string Request(ChatRequest r) => new JsonObject
    {
        ["model"] = r.Model,
        ["messages"] = new JsonArray(r.Messages.Select(m => (JsonNode)new JsonObject
        {
            ["role"] = m.Role.ToString(),
            ["content"] = Parts(m.Content),
        }).ToArray<JsonNode?>()),
        ["tools"] = new JsonArray(r.Tools.Select(t => (JsonNode)new JsonObject
        {
            ["name"] = t.Name, ["description"] = t.Description, ["schema"] = t.ParametersSchema?.DeepClone(),
        }).ToArray<JsonNode?>()),
        ["tool_choice"] = r.ToolChoice?.ToString(),
        ["parallel_tool_calls"] = r.ParallelToolCalls,
        ["temperature"] = r.Temperature,
        ["top_p"] = r.TopP,
        ["max_tokens"] = r.MaxTokens,
        ["stop"] = new JsonArray(r.Stop.Select(s => (JsonNode)s).ToArray<JsonNode?>()),
        ["response_format"] = r.ResponseFormat is { } f
            ? new JsonObject { ["kind"] = f.Kind.ToString(), ["name"] = f.SchemaName, ["schema"] = f.Schema?.DeepClone(), ["strict"] = f.Strict }
            : null,
        ["reasoning_effort"] = r.ReasoningEffort,
        ["reasoning_budget_tokens"] = r.ReasoningBudgetTokens,
        ["stream"] = r.Stream,
        ["include_usage"] = r.IncludeUsage,
        ["user"] = r.User,
    }.ToJsonString(Indented);

    public static string Response(ChatResponse r) => new JsonObject
    {
        ["id"] = r.Id,
        ["model"] = r.Model,
        ["content"] = Parts(r.Content),
        ["finish"] = r.FinishReason.ToString(),
        ["usage"] = r.Usage?.ToString(),
        ["created"] = r.Created.ToUnixTimeSeconds(),
    }.ToJsonString(Indented);

    public static string Events(IEnumerable<StreamEvent> events) => string.Join("\n", events.Select(e => e.ToString()));

    // Content parts are records of strings and bools: their ToString shows every field.
    private static JsonArray Parts(IEnumerable<ContentPart> parts) => new(parts.Select(p => (JsonNode)p.ToString()!).ToArray<JsonNode?>());
}
