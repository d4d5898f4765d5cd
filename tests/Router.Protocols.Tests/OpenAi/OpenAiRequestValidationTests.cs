using Router.Protocols.Canonical;
using Router.Protocols.Tests.Support;

namespace Router.Protocols.Tests.OpenAi;

/// <summary>Bad requests fail like OpenAI's own validation: a ProtocolException naming the field.</summary>
public sealed class OpenAiRequestValidationTests
{
    private const string Hi = """[{"role":"user","content":"Hi"}]""";

    public static TheoryData<string, string> BadBodies => new()
    {
        { $$$"""{"messages":{{{Hi}}}}""", "model" },
        { $$$"""{"model":42,"messages":{{{Hi}}}}""", "model" },
        { $$$"""{"model":null,"messages":{{{Hi}}}}""", "model" },
        { """{"model":"m"}""", "messages" },
        { """{"model":"m","messages":"Hi"}""", "messages" },
        { """{"model":"m","messages":{"role":"user"}}""", "messages" },
        { """{"model":"m","messages":[]}""", "messages" },
        { """{"model":"m","messages":["Hi"]}""", "messages[0]" },
        { """{"model":"m","messages":[{"content":"Hi"}]}""", "messages[0].role" },
        { """{"model":"m","messages":[{"role":"robot","content":"Hi"}]}""", "messages[0].role" },
        { """{"model":"m","messages":[{"role":7,"content":"Hi"}]}""", "messages[0].role" },
        { """{"model":"m","messages":[{"role":"user","content":12}]}""", "messages[0].content" },
        { """{"model":"m","messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{}}]}]}""", "messages[0].content[0].type" },
        { """{"model":"m","messages":[{"role":"user","content":[{"type":"text"}]}]}""", "messages[0].content[0].text" },
        { """{"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{}}]}]}""", "messages[0].content[0].image_url.url" },
        { """{"model":"m","messages":[{"role":"user","content":"Hi"},{"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{"arguments":"{}"}}]}]}""", "messages[1].tool_calls[0].function.name" },
        { """{"model":"m","messages":[{"role":"tool","tool_call_id":5,"content":"x"}]}""", "messages[0].tool_call_id" },
        { $$$"""{"model":"m","messages":{{{Hi}}},"temperature":"0.5"}""", "temperature" },
        { $$$"""{"model":"m","messages":{{{Hi}}},"top_p":true}""", "top_p" },
        { $$$"""{"model":"m","messages":{{{Hi}}},"stream":"true"}""", "stream" },
        { $$$"""{"model":"m","messages":{{{Hi}}},"max_tokens":1.5}""", "max_tokens" },
        { $$$"""{"model":"m","messages":{{{Hi}}},"max_tokens":"100"}""", "max_tokens" },
        { $$$"""{"model":"m","messages":{{{Hi}}},"max_completion_tokens":[]}""", "max_completion_tokens" },
        { $$$"""{"model":"m","messages":{{{Hi}}},"stop":5}""", "stop" },
        { $$$"""{"model":"m","messages":{{{Hi}}},"tools":{}}""", "tools" },
        { $$$"""{"model":"m","messages":{{{Hi}}},"tools":[{"type":"function"}]}""", "tools[0].function" },
        { $$$"""{"model":"m","messages":{{{Hi}}},"tools":[{"type":"function","function":{"description":"x"}}]}""", "tools[0].function.name" },
        { $$$"""{"model":"m","messages":{{{Hi}}},"tool_choice":"sometimes"}""", "tool_choice" },
        { $$$"""{"model":"m","messages":{{{Hi}}},"tool_choice":3}""", "tool_choice" },
        { $$$"""{"model":"m","messages":{{{Hi}}},"parallel_tool_calls":"no"}""", "parallel_tool_calls" },
        { $$$"""{"model":"m","messages":{{{Hi}}},"response_format":"json"}""", "response_format" },
        { $$$"""{"model":"m","messages":{{{Hi}}},"response_format":{"type":"yaml"}}""", "response_format.type" },
        { $$$"""{"model":"m","messages":{{{Hi}}},"reasoning_effort":1}""", "reasoning_effort" },
        { $$$"""{"model":"m","messages":{{{Hi}}},"stream":true,"stream_options":{"include_usage":"yes"}}""", "stream_options.include_usage" },
        { $$$"""{"model":"m","messages":{{{Hi}}},"user":{"id":1}}""", "user" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public void A_bad_field_fails_with_a_message_naming_it(string body, string param)
    {
        var ex = Assert.Throws<ProtocolException>(() => WireFormats.OpenAiChat.DecodeRequest(JsonAssert.Obj(body)));

        Assert.Equal(param, ex.Param);
        Assert.Contains($"'{param}'", ex.Message);
        var error = ex.ToError();
        Assert.Equal(400, error.Status);
        Assert.Equal(ErrorKind.InvalidRequest, error.Kind);
    }

    [Fact]
    public void A_data_url_that_is_not_base64_is_rejected()
    {
        var body = JsonAssert.Obj("""{"model":"m","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png,rawbytes"}}]}]}""");

        var ex = Assert.Throws<ProtocolException>(() => WireFormats.OpenAiChat.DecodeRequest(body));

        Assert.Equal("image_url", ex.Param);
        Assert.Contains("base64", ex.Message);
    }
}
