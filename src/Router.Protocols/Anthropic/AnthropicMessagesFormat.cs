using System.Text.Json.Nodes;
using Router.Protocols.Canonical;

namespace Router.Protocols.Anthropic;

/// <summary>Anthropic Messages (`POST /v1/messages`, anthropic-version 2023-06-01), both directions, streaming included.</summary>
public sealed class AnthropicMessagesFormat : IWireFormat
{
    public IReadOnlySet<string> UnderstoodFields { get; } = new HashSet<string> { "model", "max_tokens", "system", "messages", "tools", "tool_choice", "temperature", "top_p", "stop_sequences", "thinking", "stream", "metadata", "output_config" };

    public ChatRequest DecodeRequest(JsonObject body) => AnthropicRequests.Decode(body);
    public JsonObject EncodeRequest(ChatRequest request, string upstreamModel) => AnthropicRequests.Encode(request, upstreamModel);
    public ChatResponse DecodeResponse(JsonObject body) => AnthropicResponses.Decode(body);
    public JsonObject EncodeResponse(ChatResponse response) => AnthropicResponses.Encode(response);
    public IStreamDecoder CreateStreamDecoder() => new AnthropicStreamDecoder();
    public IStreamEncoder CreateStreamEncoder(ChatRequest request) => new AnthropicStreamEncoder(request);
    public ErrorInfo DecodeError(int status, string body) => AnthropicErrors.Decode(status, body);
    public JsonObject EncodeError(ErrorInfo error) => AnthropicErrors.Encode(error);
}
