using Router.Protocols.Anthropic;
using Router.Protocols.Gemini;
using Router.Protocols.OpenAi;
using Router.Protocols.OpenAiResponses;

namespace Router.Protocols;

/// <summary>One instance of each wire format (they are stateless).</summary>
public static class WireFormats
{
    public static readonly IWireFormat OpenAiChat = new OpenAiChatFormat();
    public static readonly IWireFormat AnthropicMessages = new AnthropicMessagesFormat();
    public static readonly IWireFormat Gemini = new GeminiFormat();
    public static readonly IWireFormat OpenAiResponses = new ResponsesFormat();
}
