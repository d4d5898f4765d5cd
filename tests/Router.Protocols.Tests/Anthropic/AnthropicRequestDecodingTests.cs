using System.Text.Json.Nodes;
using Router.Protocols.Canonical;
using Router.Protocols.Tests.Support;

namespace Router.Protocols.Tests.Anthropic;

/// <summary>Realistic Messages API request bodies → the canonical request.</summary>
public sealed class AnthropicRequestDecodingTests
{
    private static readonly IWireFormat Format = WireFormats.AnthropicMessages;

    private const string WeatherSchema = """{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}""";

    [Fact]
    public void A_full_agent_turn_decodes_every_field()
    {
        var body = JsonAssert.Obj($$$"""
        {
          "model": "claude-sonnet-4-5",
          "max_tokens": 1024,
          "system": [
            {"type": "text", "text": "You are a weather bot."},
            {"type": "text", "text": "Use metric units.", "cache_control": {"type": "ephemeral"}}
          ],
          "messages": [
            {"role": "user", "content": [
              {"type": "text", "text": "Weather here and in Paris?"},
              {"type": "image", "source": {"type": "base64", "media_type": "image/jpeg", "data": "/9j/4AAQSkZJRg=="}},
              {"type": "image", "source": {"type": "url", "url": "https://example.com/street.png"}}
            ]},
            {"role": "assistant", "content": [
              {"type": "thinking", "thinking": "Two cities.", "signature": "EqQBCgIYAhIM1gbcDa9GJwZA2b3h"},
              {"type": "text", "text": "Checking both."},
              {"type": "tool_use", "id": "toolu_01A", "name": "get_weather", "input": {"city": "Rome"}},
              {"type": "tool_use", "id": "toolu_01B", "name": "get_weather", "input": {"city": "Paris"}}
            ]},
            {"role": "user", "content": [
              {"type": "tool_result", "tool_use_id": "toolu_01A", "content": "22°C, sunny"},
              {"type": "tool_result", "tool_use_id": "toolu_01B", "content": [{"type": "text", "text": "Service "}, {"type": "text", "text": "down"}], "is_error": true},
              {"type": "text", "text": "Which is warmer?"}
            ]}
          ],
          "tools": [{"name": "get_weather", "description": "Current weather", "input_schema": {{{WeatherSchema}}}}],
          "tool_choice": {"type": "any", "disable_parallel_tool_use": true},
          "temperature": 0.3,
          "top_p": 0.8,
          "stop_sequences": ["END"],
          "stream": true,
          "thinking": {"type": "enabled", "budget_tokens": 2048},
          "metadata": {"user_id": "user-42"}
        }
        """);

        var request = Format.DecodeRequest(body);

        Assert.Empty(body.Select(p => p.Key).Except(Format.UnderstoodFields)); // nothing here is reported as dropped
        var expected = new ChatRequest
        {
            Model = "claude-sonnet-4-5",
            MaxTokens = 1024,
            Messages =
            [
                ChatMessage.Text(Role.System, "You are a weather bot.\n\nUse metric units."),
                new ChatMessage(Role.User,
                [
                    new TextPart("Weather here and in Paris?"),
                    new ImagePart(null, "image/jpeg", "/9j/4AAQSkZJRg=="),
                    new ImagePart("https://example.com/street.png"),
                ]),
                new ChatMessage(Role.Assistant,
                [
                    new ReasoningPart("Two cities.", "EqQBCgIYAhIM1gbcDa9GJwZA2b3h"),
                    new TextPart("Checking both."),
                    new ToolCallPart("toolu_01A", "get_weather", """{"city":"Rome"}"""),
                    new ToolCallPart("toolu_01B", "get_weather", """{"city":"Paris"}"""),
                ]),
                new ChatMessage(Role.Tool,
                [
                    new ToolResultPart("toolu_01A", "22°C, sunny"),
                    new ToolResultPart("toolu_01B", "Service down", IsError: true),
                ]),
                ChatMessage.Text(Role.User, "Which is warmer?"),
            ],
            Tools = [new ToolDefinition("get_weather", "Current weather", JsonNode.Parse(WeatherSchema))],
            ToolChoice = new ToolChoice(ToolChoiceKind.Required),
            ParallelToolCalls = false,
            Temperature = 0.3,
            TopP = 0.8,
            Stop = ["END"],
            ReasoningBudgetTokens = 2048,
            Stream = true,
            IncludeUsage = true, // Anthropic streams always carry usage
            User = "user-42",
        };
        Assert.Equal(Describe.Request(expected), Describe.Request(request));
    }

    [Fact]
    public void A_string_system_and_string_contents_decode_to_text_messages()
    {
        var request = Format.DecodeRequest(JsonAssert.Obj("""
            {"model":"claude-haiku-4-5","max_tokens":64,"system":"Be brief.",
             "messages":[{"role":"user","content":"One"},{"role":"assistant","content":"Two"},{"role":"user","content":"Three"}]}
            """));

        var expected = new ChatRequest
        {
            Model = "claude-haiku-4-5",
            MaxTokens = 64,
            IncludeUsage = true,
            Messages =
            [
                ChatMessage.Text(Role.System, "Be brief."),
                ChatMessage.Text(Role.User, "One"),
                ChatMessage.Text(Role.Assistant, "Two"),
                ChatMessage.Text(Role.User, "Three"),
            ],
        };
        Assert.Equal(Describe.Request(expected), Describe.Request(request));
    }

    [Theory]
    [InlineData("""{"type":"auto"}""", ToolChoiceKind.Auto, null, null)]
    [InlineData("""{"type":"auto","disable_parallel_tool_use":true}""", ToolChoiceKind.Auto, null, false)]
    [InlineData("""{"type":"any"}""", ToolChoiceKind.Required, null, null)]
    [InlineData("""{"type":"tool","name":"lookup"}""", ToolChoiceKind.Specific, "lookup", null)]
    [InlineData("""{"type":"none"}""", ToolChoiceKind.None, null, null)]
    public void Tool_choice_maps_to_canonical_kinds(string choice, ToolChoiceKind kind, string? name, bool? parallel)
    {
        var request = Format.DecodeRequest(JsonAssert.Obj($$$"""{"model":"m","max_tokens":8,"messages":[{"role":"user","content":"Hi"}],"tool_choice":{{{choice}}}}"""));

        Assert.Equal(new ToolChoice(kind, name), request.ToolChoice);
        Assert.Equal(parallel, request.ParallelToolCalls);
    }

    [Fact]
    public void Thinking_that_is_disabled_sets_no_budget()
    {
        var request = Format.DecodeRequest(JsonAssert.Obj("""{"model":"m","max_tokens":8,"messages":[{"role":"user","content":"Hi"}],"thinking":{"type":"disabled"}}"""));

        Assert.Null(request.ReasoningBudgetTokens);
    }

    [Fact]
    public void A_tool_result_without_content_is_an_empty_result()
    {
        var request = Format.DecodeRequest(JsonAssert.Obj("""
            {"model":"m","max_tokens":8,"messages":[
              {"role":"user","content":"Hi"},
              {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"ping","input":{}}]},
              {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1"}]}]}
            """));

        Assert.Equal(Role.Tool, request.Messages[2].Role);
        Assert.Equal(new ToolResultPart("toolu_1", ""), Assert.Single(request.Messages[2].Content));
        Assert.Equal(3, request.Messages.Count);
    }
}
