using Router.Protocols.Anthropic;
using Router.Protocols.OpenAi;

namespace Router.Protocols.Tests;

public sealed class WireFormatsTests
{
    [Fact]
    public void The_registry_holds_one_instance_of_each_format()
    {
        Assert.IsType<OpenAiChatFormat>(WireFormats.OpenAiChat);
        Assert.IsType<AnthropicMessagesFormat>(WireFormats.AnthropicMessages);
        Assert.Same(WireFormats.OpenAiChat, WireFormats.OpenAiChat);
        Assert.NotSame(WireFormats.OpenAiChat, WireFormats.AnthropicMessages);
    }

    [Fact]
    public void Stream_codecs_are_fresh_per_stream()
    {
        Assert.NotSame(WireFormats.OpenAiChat.CreateStreamDecoder(), WireFormats.OpenAiChat.CreateStreamDecoder());
        Assert.NotSame(WireFormats.AnthropicMessages.CreateStreamDecoder(), WireFormats.AnthropicMessages.CreateStreamDecoder());
    }
}
