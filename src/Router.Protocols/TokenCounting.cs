using System.Text.Json.Nodes;
using Microsoft.ML.Tokenizers;
using Router.Protocols.Anthropic;
using Router.Protocols.Canonical;
using Router.Protocols.Json;

namespace Router.Protocols;

/// <summary>
/// Token counts: the bodies of the upstreams' own count endpoints (Anthropic count_tokens, Gemini
/// countTokens) and, where an upstream has none, a local estimate.
/// </summary>
public static class TokenCounting
{
    private static readonly Lazy<Tokenizer> O200k = new(() => TiktokenTokenizer.CreateForEncoding("o200k_base"));

    /// <summary>
    /// The estimate: o200k_base (GPT-4o's encoding) over every text, tool call, tool result and tool
    /// schema, plus 4 tokens per message and 3 for the reply primer, as OpenAI documents for chat.
    /// Other vendors' tokenizers differ; expect an error of about ±15 % for Claude and Gemini.
    /// </summary>
    public static int Estimate(ChatRequest request)
    {
        var tokenizer = O200k.Value;
        var total = 3;
        foreach (var message in request.Messages)
        {
            total += 4;
            foreach (var part in message.Content)
                total += part switch
                {
                    TextPart t => tokenizer.CountTokens(t.Text),
                    ReasoningPart r => tokenizer.CountTokens(r.Text),
                    ToolCallPart c => tokenizer.CountTokens(c.Name) + tokenizer.CountTokens(c.ArgumentsJson),
                    ToolResultPart r => tokenizer.CountTokens(r.Content),
                    ImagePart => 85, // OpenAI's base cost of one low-detail image
                    _ => 0,
                };
        }
        foreach (var tool in request.Tools)
            total += 8 + tokenizer.CountTokens(tool.Name) + tokenizer.CountTokens(tool.Description ?? "") + tokenizer.CountTokens(tool.ParametersSchema?.ToJsonString() ?? "");
        return total;
    }

    /// <summary>The request body of an upstream's count endpoint, from its ordinary request body.</summary>
    public static JsonObject CountRequest(IWireFormat upstream, ChatRequest request, string upstreamModel)
    {
        var body = upstream.EncodeRequest(request with { Stream = false }, upstreamModel);
        if (upstream is AnthropicMessagesFormat)
        {
            // count_tokens accepts only these fields; anything else is refused.
            string[] accepted = ["model", "messages", "system", "tools", "tool_choice", "thinking"];
            foreach (var key in body.Select(p => p.Key).Where(k => !accepted.Contains(k)).ToList()) body.Remove(key);
            return body;
        }
        // Gemini: the full request goes under generateContentRequest, with the model named.
        body["model"] = "models/" + upstreamModel;
        return new JsonObject { ["generateContentRequest"] = body };
    }

    /// <summary>The count in an upstream's count answer (Anthropic input_tokens, Gemini totalTokens).</summary>
    public static int? ReadCount(JsonObject answer) => JsonRead.Int(answer, "input_tokens") ?? JsonRead.Int(answer, "totalTokens");

    /// <summary>The count answer a client of this format expects.</summary>
    public static JsonObject Answer(IWireFormat client, int tokens) => client is AnthropicMessagesFormat
        ? new JsonObject { ["input_tokens"] = tokens }
        : new JsonObject { ["totalTokens"] = tokens };
}
