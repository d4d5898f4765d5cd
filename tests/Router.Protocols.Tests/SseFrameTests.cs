using System.Text;

namespace Router.Protocols.Tests;

/// <summary>A frame's wire bytes are its wire text in UTF-8.</summary>
public sealed class SseFrameTests
{
    [Theory]
    [InlineData(null, "{\"a\":1}")]
    [InlineData("content_block_delta", "{\"text\":\"café 😀\"}")]
    [InlineData("ping", "")]
    [InlineData(null, "[DONE]")]
    public void Wire_bytes_are_the_wire_text_in_utf8(string? eventType, string data)
    {
        var frame = new SseFrame(eventType, data);

        Assert.Equal(Encoding.UTF8.GetBytes(frame.ToWire()), frame.ToWireBytes());
    }
}
