using System.Text.Json.Nodes;
using Router.Protocols.Canonical;

namespace Router.Protocols.OpenAi;

/// <summary>OpenAI Chat Completions (`POST /v1/chat/completions`), both directions, streaming included.</summary>
public sealed class OpenAiChatFormat : IWireFormat
{
    public IReadOnlySet<string> UnderstoodFields { get; } = new HashSet<string> { "model", "messages", "tools", "tool_choice", "parallel_tool_calls", "temperature", "top_p", "max_tokens", "max_completion_tokens", "stop", "response_format", "reasoning_effort", "stream", "stream_options", "user" };

    public ChatRequest DecodeRequest(JsonObject body) => OpenAiChatRequests.Decode(body);
    public JsonObject EncodeRequest(ChatRequest request, string upstreamModel) => OpenAiChatRequests.Encode(request, upstreamModel);
    public ChatResponse DecodeResponse(JsonObject body) => OpenAiChatResponses.Decode(body);
    public JsonObject EncodeResponse(ChatResponse response) => OpenAiChatResponses.Encode(response);
    public IStreamDecoder CreateStreamDecoder() => new OpenAiChatStreamDecoder();
    public IStreamEncoder CreateStreamEncoder(ChatRequest request) => new OpenAiChatStreamEncoder(request);
    public ErrorInfo DecodeError(int status, string body) => OpenAiErrors.Decode(status, body);
    public JsonObject EncodeError(ErrorInfo error) => OpenAiErrors.Encode(error);
}
