using System.Buffers;
using System.Text;
using System.Text.Json.Nodes;
using Router.Protocols.Canonical;
using Router.Protocols.Json;

namespace Router.Protocols.Tests;

/// <summary>How StrictJson holds numbers: plain integers as longs, everything else behind its own text.</summary>
public sealed class StrictJsonNumberTests
{
    private static JsonObject Parse(string json) => StrictJson.ParseObject(new ReadOnlySequence<byte>(Encoding.UTF8.GetBytes(json)));

    [Theory]
    [InlineData("64")]
    [InlineData("-7")]
    [InlineData("0")]
    [InlineData("-0")]
    [InlineData("1.0")]
    [InlineData("1e2")]
    [InlineData("0.25")]
    [InlineData("123456789012345678901234567890")]
    [InlineData("9223372036854775807")]
    public void Every_number_writes_back_as_the_text_it_came_in(string number) =>
        Assert.Equal($$"""{"n":{{number}}}""", Encoding.UTF8.GetString(JsonBytes.Serialize(Parse($$"""{"n":{{number}}}"""))));

    [Theory]
    [InlineData("64", 64)]
    [InlineData("64.0", 64)]
    [InlineData("-3", -3)]
    public void An_integer_field_reads_the_same_however_it_is_held(string number, int expected) =>
        Assert.Equal(expected, JsonRead.OptionalInt(Parse($$"""{"max_tokens":{{number}}}"""), "max_tokens", "max_tokens"));

    [Theory]
    [InlineData("1", 1.0)]
    [InlineData("0.7", 0.7)]
    [InlineData("2e-1", 0.2)]
    public void A_number_field_reads_the_same_however_it_is_held(string number, double expected) =>
        Assert.Equal(expected, JsonRead.OptionalNumber(Parse($$"""{"temperature":{{number}}}"""), "temperature", "temperature"));

    [Theory]
    [InlineData("3000000000")]
    [InlineData("1.5")]
    public void An_integer_field_refuses_what_is_not_an_int(string number) =>
        Assert.Throws<ProtocolException>(() => JsonRead.OptionalInt(Parse($$"""{"max_tokens":{{number}}}"""), "max_tokens", "max_tokens"));

    [Fact]
    public void A_request_decodes_its_integer_and_fractional_fields()
    {
        var request = WireFormats.OpenAiChat.DecodeRequest(Parse("""{"model":"m","messages":[{"role":"user","content":"hi"}],"max_tokens":64,"temperature":1,"top_p":0.5}"""));
        Assert.Equal(64, request.MaxTokens);
        Assert.Equal(1.0, request.Temperature);
        Assert.Equal(0.5, request.TopP);
    }
}
