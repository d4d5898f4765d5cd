using System.Text.Json.Nodes;
using Router.Protocols.Canonical;
using Router.Protocols.OpenAi;

namespace Router.Protocols.OpenAiResponses;

/// <summary>OpenAI Responses (`POST /v1/responses`), both directions, streaming included. Errors share OpenAI's shape.</summary>
public sealed class ResponsesFormat : IWireFormat
{
    public IReadOnlySet<string> UnderstoodFields { get; } = new HashSet<string> { "model", "instructions", "input", "tools", "tool_choice", "parallel_tool_calls", "temperature", "top_p", "max_output_tokens", "text", "reasoning", "stream", "user" };

    public ChatRequest DecodeRequest(JsonObject body) => ResponsesRequests.Decode(body);
    public JsonObject EncodeRequest(ChatRequest request, string upstreamModel) => ResponsesRequests.Encode(request, upstreamModel);
    public ChatResponse DecodeResponse(JsonObject body) => ResponsesResults.Decode(body);
    public JsonObject EncodeResponse(ChatResponse response) => ResponsesResults.Encode(response);
    public IStreamDecoder CreateStreamDecoder() => new ResponsesStreamDecoder();
    public IStreamEncoder CreateStreamEncoder(ChatRequest request) => new ResponsesStreamEncoder(request);
    public ErrorInfo DecodeError(int status, string body) => OpenAiErrors.Decode(status, body);
    public JsonObject EncodeError(ErrorInfo error) => OpenAiErrors.Encode(error);
}
