using System.Text.Json.Nodes;
using Router.Protocols.Canonical;
using Router.Protocols.Tests.Support;

namespace Router.Protocols.Tests.OpenAi;

/// <summary>Realistic Chat Completions request bodies → the canonical request.</summary>
public sealed class OpenAiRequestDecodingTests
{
    private static readonly IWireFormat Format = WireFormats.OpenAiChat;

    private const string WeatherSchema = """{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}""";

    [Fact]
    public void A_full_agent_turn_decodes_every_field()
    {
        var body = JsonAssert.Obj($$$"""
        {
          "model": "gpt-4.1",
          "messages": [
            {"role": "system", "content": "You are a weather bot."},
            {"role": "developer", "content": "Answer in metric units."},
            {"role": "user", "content": [
              {"type": "text", "text": "What is the weather here and in Paris?"},
              {"type": "image_url", "image_url": {"url": "data:image/jpeg;base64,/9j/4AAQSkZJRg==", "detail": "low"}},
              {"type": "image_url", "image_url": {"url": "https://example.com/street.png"}}
            ]},
            {"role": "assistant", "content": null, "reasoning_content": "Two cities: two calls.", "tool_calls": [
              {"id": "call_abc", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\":\"Rome\"}"}},
              {"id": "call_def", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}}
            ]},
            {"role": "tool", "tool_call_id": "call_abc", "content": "22°C, sunny"},
            {"role": "tool", "tool_call_id": "call_def", "content": [{"type": "text", "text": "18°C, "}, {"type": "text", "text": "rain"}]},
            {"role": "user", "content": "Thanks! Which is warmer?"}
          ],
          "tools": [{"type": "function", "function": {"name": "get_weather", "description": "Current weather for a city", "parameters": {{{WeatherSchema}}}}}],
          "tool_choice": {"type": "function", "function": {"name": "get_weather"}},
          "parallel_tool_calls": true,
          "temperature": 0.2,
          "top_p": 0.9,
          "max_completion_tokens": 512,
          "stop": ["\n\nUser:", "END"],
          "response_format": {"type": "json_schema", "json_schema": {"name": "answer", "schema": {"type": "object"}, "strict": true}},
          "reasoning_effort": "low",
          "stream": true,
          "stream_options": {"include_usage": true},
          "user": "user-42"
        }
        """);

        var request = Format.DecodeRequest(body);

        Assert.Empty(body.Select(p => p.Key).Except(Format.UnderstoodFields)); // nothing here is reported as dropped
        var expected = new ChatRequest
        {
            Model = "gpt-4.1",
            Messages =
            [
                ChatMessage.Text(Role.System, "You are a weather bot."),
                ChatMessage.Text(Role.Developer, "Answer in metric units."),
                new ChatMessage(Role.User,
                [
                    new TextPart("What is the weather here and in Paris?"),
                    new ImagePart(null, "image/jpeg", "/9j/4AAQSkZJRg=="),
                    new ImagePart("https://example.com/street.png"),
                ]),
                new ChatMessage(Role.Assistant,
                [
                    new ReasoningPart("Two cities: two calls."),
                    new ToolCallPart("call_abc", "get_weather", """{"city":"Rome"}"""),
                    new ToolCallPart("call_def", "get_weather", """{"city":"Paris"}"""),
                ]),
                new ChatMessage(Role.Tool, [new ToolResultPart("call_abc", "22°C, sunny")]),
                new ChatMessage(Role.Tool, [new ToolResultPart("call_def", "18°C, rain")]),
                ChatMessage.Text(Role.User, "Thanks! Which is warmer?"),
            ],
            Tools = [new ToolDefinition("get_weather", "Current weather for a city", JsonNode.Parse(WeatherSchema))],
            ToolChoice = new ToolChoice(ToolChoiceKind.Specific, "get_weather"),
            ParallelToolCalls = true,
            Temperature = 0.2,
            TopP = 0.9,
            MaxTokens = 512,
            Stop = ["\n\nUser:", "END"],
            ResponseFormat = new ResponseFormat(ResponseFormatKind.JsonSchema, "answer", JsonNode.Parse("""{"type":"object"}"""), true),
            ReasoningEffort = "low",
            Stream = true,
            IncludeUsage = true,
            User = "user-42",
        };
        Assert.Equal(Describe.Request(expected), Describe.Request(request));
    }

    [Fact]
    public void A_minimal_request_leaves_every_option_unset()
    {
        var request = Format.DecodeRequest(JsonAssert.Obj("""{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hi"}]}"""));

        var expected = new ChatRequest { Model = "gpt-4o-mini", Messages = [ChatMessage.Text(Role.User, "Hi")] };
        Assert.Equal(Describe.Request(expected), Describe.Request(request));
    }

    [Theory]
    [InlineData("""{"max_tokens":100}""", 100)]
    [InlineData("""{"max_completion_tokens":200}""", 200)]
    [InlineData("""{"max_tokens":100,"max_completion_tokens":200}""", 200)]
    [InlineData("""{"max_tokens":300.0}""", 300)]
    public void Max_tokens_comes_from_either_field_and_max_completion_tokens_wins(string fields, int expected)
    {
        var body = JsonAssert.Obj(fields);
        body["model"] = "m";
        body["messages"] = JsonNode.Parse("""[{"role":"user","content":"Hi"}]""");

        Assert.Equal(expected, Format.DecodeRequest(body).MaxTokens);
    }

    [Theory]
    [InlineData("\"STOP\"", new[] { "STOP" })]
    [InlineData("[\"a\",\"b\"]", new[] { "a", "b" })]
    [InlineData("[]", new string[0])]
    public void Stop_is_a_string_or_an_array(string stop, string[] expected)
    {
        var request = Format.DecodeRequest(JsonAssert.Obj($$$"""{"model":"m","messages":[{"role":"user","content":"Hi"}],"stop":{{{stop}}}}"""));

        Assert.Equal(expected, request.Stop);
    }

    [Theory]
    [InlineData("\"auto\"", ToolChoiceKind.Auto, null)]
    [InlineData("\"none\"", ToolChoiceKind.None, null)]
    [InlineData("\"required\"", ToolChoiceKind.Required, null)]
    [InlineData("""{"type":"function","function":{"name":"lookup"}}""", ToolChoiceKind.Specific, "lookup")]
    public void Tool_choice_has_four_forms(string choice, ToolChoiceKind kind, string? name)
    {
        var request = Format.DecodeRequest(JsonAssert.Obj($$$"""{"model":"m","messages":[{"role":"user","content":"Hi"}],"tool_choice":{{{choice}}}}"""));

        Assert.Equal(new ToolChoice(kind, name), request.ToolChoice);
    }

    [Theory]
    [InlineData("""{"type":"text"}""", ResponseFormatKind.Text)]
    [InlineData("""{"type":"json_object"}""", ResponseFormatKind.JsonObject)]
    public void Response_format_text_and_json_object(string format, ResponseFormatKind kind)
    {
        var request = Format.DecodeRequest(JsonAssert.Obj($$$"""{"model":"m","messages":[{"role":"user","content":"Hi"}],"response_format":{{{format}}}}"""));

        Assert.Equal(kind, request.ResponseFormat!.Kind);
    }

    [Fact]
    public void Stream_options_without_stream_keep_include_usage_but_stream_stays_off()
    {
        var request = Format.DecodeRequest(JsonAssert.Obj("""{"model":"m","messages":[{"role":"user","content":"Hi"}],"stream":false,"stream_options":{"include_usage":false}}"""));

        Assert.False(request.Stream);
        Assert.False(request.IncludeUsage);
    }

    [Fact]
    public void An_assistant_message_with_text_and_a_refusal_part_keeps_both_as_text()
    {
        var request = Format.DecodeRequest(JsonAssert.Obj("""
            {"model":"m","messages":[
              {"role":"user","content":"Hi"},
              {"role":"assistant","content":[{"type":"text","text":"Sorry, "},{"type":"refusal","refusal":"I can't."}]},
              {"role":"user","content":"Why?"}]}
            """));

        Assert.Equal(new ContentPart[] { new TextPart("Sorry, "), new TextPart("I can't.") }, request.Messages[1].Content);
    }
}
