using System.Text.Json.Nodes;
using Router.Protocols.Canonical;

namespace Router.Protocols.Gemini;

/// <summary>Gemini generateContent / streamGenerateContent (model in the URL), both directions, streaming included.</summary>
public sealed class GeminiFormat : IWireFormat
{
    public IReadOnlySet<string> UnderstoodFields { get; } = new HashSet<string> { "model", "contents", "systemInstruction", "system_instruction", "tools", "toolConfig", "tool_config", "generationConfig", "generation_config" };

    public ChatRequest DecodeRequest(JsonObject body) => GeminiRequests.Decode(body);
    public JsonObject EncodeRequest(ChatRequest request, string upstreamModel) => GeminiRequests.Encode(request);
    public ChatResponse DecodeResponse(JsonObject body) => GeminiResponses.Decode(body);
    public JsonObject EncodeResponse(ChatResponse response) => GeminiResponses.Encode(response);
    public IStreamDecoder CreateStreamDecoder() => new GeminiStreamDecoder();
    public IStreamEncoder CreateStreamEncoder(ChatRequest request) => new GeminiStreamEncoder(request);
    public ErrorInfo DecodeError(int status, string body) => GeminiErrors.Decode(status, body);
    public JsonObject EncodeError(ErrorInfo error) => GeminiErrors.Encode(error);

    /// <summary>The model travels in the URL; the client's body goes upstream exactly as it came.</summary>
    public JsonObject PassThroughBody(JsonObject clientBody, string upstreamModel) => clientBody;
    public ReadOnlyMemory<byte>? PassThroughBytes(ReadOnlyMemory<byte> clientBody, string upstreamModel) => clientBody;
}
