using Router.Protocols.Canonical;
using Router.Protocols.Tests.Support;

namespace Router.Protocols.Tests.Anthropic;

/// <summary>Bad Messages requests fail with a ProtocolException naming the field, as Anthropic's 400s do.</summary>
public sealed class AnthropicRequestValidationTests
{
    private const string Hi = """[{"role":"user","content":"Hi"}]""";

    public static TheoryData<string, string> BadBodies => new()
    {
        { $$$"""{"max_tokens":10,"messages":{{{Hi}}}}""", "model" },
        { $$$"""{"model":"m","messages":{{{Hi}}}}""", "max_tokens" },
        { $$$"""{"model":"m","max_tokens":"1024","messages":{{{Hi}}}}""", "max_tokens" },
        { $$$"""{"model":"m","max_tokens":10.5,"messages":{{{Hi}}}}""", "max_tokens" },
        { """{"model":"m","max_tokens":10}""", "messages" },
        { """{"model":"m","max_tokens":10,"messages":"Hi"}""", "messages" },
        { """{"model":"m","max_tokens":10,"messages":[3]}""", "messages[0]" },
        { """{"model":"m","max_tokens":10,"messages":[{"role":"tool","content":"Hi"}]}""", "messages[0].role" },
        { """{"model":"m","max_tokens":10,"messages":[{"role":"user","content":5}]}""", "messages[0].content" },
        { """{"model":"m","max_tokens":10,"messages":[{"role":"user","content":[{"type":"audio"}]}]}""", "messages[0].content[0].type" },
        { """{"model":"m","max_tokens":10,"messages":[{"role":"user","content":[{"type":"text"}]}]}""", "messages[0].content[0].text" },
        { """{"model":"m","max_tokens":10,"messages":[{"role":"user","content":[{"type":"image","source":{"type":"file","file_id":"f"}}]}]}""", "messages[0].content[0].source" },
        { """{"model":"m","max_tokens":10,"messages":[{"role":"assistant","content":[{"type":"tool_use","id":"t","input":{}}]}]}""", "messages[0].content[0].name" },
        { $$$"""{"model":"m","max_tokens":10,"messages":{{{Hi}}},"system":5}""", "system" },
        { $$$"""{"model":"m","max_tokens":10,"messages":{{{Hi}}},"temperature":"hot"}""", "temperature" },
        { $$$"""{"model":"m","max_tokens":10,"messages":{{{Hi}}},"top_p":"1"}""", "top_p" },
        { $$$"""{"model":"m","max_tokens":10,"messages":{{{Hi}}},"stream":1}""", "stream" },
        { $$$"""{"model":"m","max_tokens":10,"messages":{{{Hi}}},"stop_sequences":[1]}""", "stop_sequences" },
        { $$$"""{"model":"m","max_tokens":10,"messages":{{{Hi}}},"tools":"all"}""", "tools" },
        { $$$"""{"model":"m","max_tokens":10,"messages":{{{Hi}}},"tools":[{"description":"x","input_schema":{}}]}""", "tools[0].name" },
        { $$$"""{"model":"m","max_tokens":10,"messages":{{{Hi}}},"tool_choice":"auto"}""", "tool_choice" },
        { $$$"""{"model":"m","max_tokens":10,"messages":{{{Hi}}},"thinking":true}""", "thinking" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public void A_bad_field_fails_with_a_message_naming_it(string body, string param)
    {
        var ex = Assert.Throws<ProtocolException>(() => WireFormats.AnthropicMessages.DecodeRequest(JsonAssert.Obj(body)));

        Assert.Equal(param, ex.Param);
        Assert.Contains($"'{param}", ex.Message);
        Assert.Equal(400, ex.ToError().Status);
    }
}
