using System.Net.ServerSentEvents;
using Router.Protocols.Anthropic;
using Router.Protocols.Canonical;
using Router.Protocols.Tests.Support;

namespace Router.Protocols.Tests.Anthropic;

/// <summary>
/// content_block_delta events, read without a tree when they have the plain shape and by the tree reader otherwise:
/// the canonical events are the same either way.
/// </summary>
public sealed class AnthropicDeltaReaderTests
{
    [Fact]
    public void The_plain_shape_is_read_without_a_tree_in_any_field_order()
    {
        Assert.True(AnthropicDeltaReader.TryRead("""{"type":"content_block_delta","index":2,"delta":{"type":"text_delta","text":"Hi"}}""", out var plain));
        Assert.Equal(new AnthropicDeltaReader.Delta(2, "text_delta", "Hi", null, null, null), plain);

        Assert.True(AnthropicDeltaReader.TryRead("""{"delta":{"partial_json":"{\"a\":","type":"input_json_delta"},"index":1,"type":"content_block_delta"}""", out var reordered));
        Assert.Equal(new AnthropicDeltaReader.Delta(1, "input_json_delta", null, "{\"a\":", null, null), reordered);
    }

    [Fact]
    public void Escapes_and_text_longer_than_the_stack_buffer_come_out_exactly()
    {
        var text = string.Concat(Enumerable.Repeat("café \"quoted\" \\ 😀 <b>&</b>\n", 100));
        var data = """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":""" + System.Text.Json.JsonSerializer.Serialize(text) + "}}";
        Assert.True(data.Length > 2048);

        Assert.True(AnthropicDeltaReader.TryRead(data, out var delta));
        Assert.Equal(text, delta.Text);
        Assert.True(AnthropicDeltaReader.TryRead("""{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"caf\u00e9 \ud83d\ude00"}}""", out var escaped));
        Assert.Equal("café 😀", escaped.Text);
    }

    [Theory]
    [InlineData("""{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"},"extra":1}""")]  // another field
    [InlineData("""{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi","extra":true}}""")]
    [InlineData("""{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":5}}""")]                 // another kind
    [InlineData("""{"type":"content_block_delta","index":1.0,"delta":{"type":"input_json_delta","partial_json":""}}""")]
    [InlineData("""{"type":"content_block_delta","index":0,"index":1,"delta":{"type":"text_delta","text":"Hi"}}""")]  // a field twice
    [InlineData("""{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi","text":"Ho"}}""")]
    [InlineData("""{"index":0,"delta":{"type":"text_delta","text":"Hi"}}""")]                                        // no type: the event name decides
    [InlineData("""{"type":"message_delta","delta":{"type":"text_delta","text":"Hi"}}""")]                            // another event
    [InlineData("""{"type":"content_block_delta","index":0}""")]                                                      // no delta
    [InlineData("""{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}} x""")]         // not JSON
    [InlineData("""{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}""")]
    [InlineData("")]
    public void Anything_but_the_plain_shape_is_left_to_the_tree_reader(string data) =>
        Assert.False(AnthropicDeltaReader.TryRead(data, out _));

    [Theory]
    [InlineData("""{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}""", "text:Hi")]
    [InlineData("""{"delta":{"text":"Hi","type":"text_delta"},"type":"content_block_delta","index":0}""", "text:Hi")]
    [InlineData("""{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"},"extra":1}""", "text:Hi")]
    [InlineData("""{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":5}}""", "text:")]
    [InlineData("""{"type":"content_block_delta","index":0,"delta":{"type":"text_delta"}}""", "text:")]
    [InlineData("""{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"a\""}}""", "args:0:{\"a\"")]
    [InlineData("""{"type":"content_block_delta","index":1.0,"delta":{"type":"input_json_delta","partial_json":"1"}}""", "args:0:1")]
    [InlineData("""{"type":"content_block_delta","index":7,"delta":{"type":"input_json_delta","partial_json":"1"}}""", "")]
    [InlineData("""{"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"Hm"}}""", "reasoning:Hm:")]
    [InlineData("""{"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"sig"}}""", "reasoning::sig")]
    [InlineData("""{"type":"content_block_delta","index":0,"delta":{"type":"citations_delta","citation":{}}}""", "")]
    [InlineData("""{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}} x""", "")]
    public void A_delta_decodes_to_the_same_events_whichever_reader_takes_it(string data, string expected)
    {
        var decoder = WireFormats.AnthropicMessages.CreateStreamDecoder();
        decoder.Decode(new SseItem<string>("""{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_1","name":"f","input":{}}}""", "content_block_start")).ToList();

        var events = decoder.Decode(new SseItem<string>(data, "content_block_delta")).ToList();

        Assert.Equal(expected, string.Join(" | ", events.Select(e => e switch
        {
            TextDelta t => $"text:{t.Text}",
            ToolCallArgumentsDelta a => $"args:{a.Index}:{a.ArgumentsJsonDelta}",
            ReasoningDelta r => $"reasoning:{r.Text}:{r.Signature}",
            _ => e.ToString(),
        })));
    }
}
