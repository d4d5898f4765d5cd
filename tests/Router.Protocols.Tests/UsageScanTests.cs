using System.Text;
using Router.Protocols.Canonical;

namespace Router.Protocols.Tests;

/// <summary>The usage of a whole answer passed through, read without parsing the rest of it.</summary>
public sealed class UsageScanTests
{
    private static Usage? Read(IWireFormat format, string body) => UsageScan.Read(format, Encoding.UTF8.GetBytes(body));

    [Fact]
    public void An_openai_answer_gives_its_counts_and_details()
    {
        var usage = Read(WireFormats.OpenAiChat, """{"id":"x","choices":[{"message":{"content":"{\"usage\":1}"}}],"usage":{"prompt_tokens":10,"completion_tokens":20,"total_tokens":30,"prompt_tokens_details":{"cached_tokens":4},"completion_tokens_details":{"reasoning_tokens":5}}}""");
        Assert.Equal(new Usage(10, 20, 4, 5), usage);
    }

    [Fact]
    public void A_gemini_answer_counts_its_thoughts_as_output() =>
        Assert.Equal(new Usage(7, 11, null, 3), Read(WireFormats.Gemini, """{"candidates":[],"usageMetadata":{"promptTokenCount":7,"candidatesTokenCount":8,"thoughtsTokenCount":3}}"""));

    [Fact]
    public void An_anthropic_answer_adds_its_cache_reads_and_writes_to_the_input() =>
        Assert.Equal(new Usage(17, 2, 5), Read(WireFormats.AnthropicMessages, """{"type":"message","usage":{"input_tokens":10,"cache_read_input_tokens":5,"cache_creation_input_tokens":2,"output_tokens":2}}"""));

    [Theory]
    [InlineData("""{"usage":{"prompt_tokens":1,"prompt_tokens":2}}""")]
    [InlineData("""{"usage":{"prompt_tokens":1e999}}""")]
    [InlineData("""{"usage":{"prompt_tokens":""")]
    [InlineData("""{"usage":"none"}""")]
    [InlineData("""[1,2]""")]
    [InlineData("""not json""")]
    public void An_answer_without_readable_usage_gives_none(string body) =>
        Assert.Null(Read(WireFormats.OpenAiChat, body));
}
