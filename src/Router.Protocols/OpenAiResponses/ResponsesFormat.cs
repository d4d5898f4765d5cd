using System.Text.Json.Nodes;
using Router.Protocols.Canonical;
using Router.Protocols.OpenAi;

namespace Router.Protocols.OpenAiResponses;

/// <summary>OpenAI Responses (`POST /v1/responses`), both directions, streaming included. Errors share OpenAI's shape.</summary>
public sealed class ResponsesFormat : IWireFormat
{
    public ChatRequest DecodeRequest(JsonObject body) => ResponsesRequests.Decode(body);
    public JsonObject EncodeRequest(ChatRequest request, string upstreamModel) => ResponsesRequests.Encode(request, upstreamModel);
    public ChatResponse DecodeResponse(JsonObject body) => ResponsesResults.Decode(body);
    public JsonObject EncodeResponse(ChatResponse response) => ResponsesResults.Encode(response);
    public IStreamDecoder CreateStreamDecoder() => new ResponsesStreamDecoder();
    public IStreamEncoder CreateStreamEncoder(ChatRequest request) => new ResponsesStreamEncoder(request);
    public ErrorInfo DecodeError(int status, string body) => OpenAiErrors.Decode(status, body);
    public JsonObject EncodeError(ErrorInfo error) => OpenAiErrors.Encode(error);
}
