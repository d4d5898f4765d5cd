using System.Text.Json.Nodes;
using Router.Protocols.Canonical;
using Router.Protocols.Tests.Support;

namespace Router.Protocols.Tests;

/// <summary>A client's request in one format, sent upstream in the other: the exact body that goes out.</summary>
public sealed class TranslationTests
{
    private const string WeatherSchema = """{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}""";

    [Fact]
    public void An_openai_agent_turn_becomes_an_anthropic_body_with_lifted_system_and_merged_tool_results()
    {
        var openAi = JsonAssert.Obj($$$"""
        {
          "model": "claude-router-alias",
          "messages": [
            {"role": "system", "content": "You are a weather bot."},
            {"role": "developer", "content": [{"type": "text", "text": "Answer in metric units."}]},
            {"role": "user", "content": [
              {"type": "text", "text": "Weather in Rome and Paris?"},
              {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}},
              {"type": "image_url", "image_url": {"url": "https://example.com/map.png"}}
            ]},
            {"role": "assistant", "content": "Let me check.", "reasoning_content": "unsigned thoughts from another vendor", "tool_calls": [
              {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\": \"Rome\"}"}},
              {"id": "call_2", "type": "function", "function": {"name": "get_weather", "arguments": ""}}
            ]},
            {"role": "tool", "tool_call_id": "call_1", "content": "22°C"},
            {"role": "tool", "tool_call_id": "call_2", "content": "18°C"},
            {"role": "user", "content": "Which is warmer?"}
          ],
          "tools": [{"type": "function", "function": {"name": "get_weather", "description": "Current weather", "parameters": {{{WeatherSchema}}}}}],
          "tool_choice": "required",
          "parallel_tool_calls": false,
          "temperature": 0.2,
          "stop": "END",
          "response_format": {"type": "json_object"},
          "stream": true,
          "stream_options": {"include_usage": true},
          "user": "user-42"
        }
        """);

        var anthropic = WireFormats.AnthropicMessages.EncodeRequest(WireFormats.OpenAiChat.DecodeRequest(openAi), "claude-sonnet-4-5-20250929");

        // max_tokens: the OpenAI client sent none, Anthropic requires it (default 4096).
        // response_format: dropped, Anthropic has no JSON mode. reasoning_content: unsigned, dropped.
        JsonAssert.Equal($$$"""
        {
          "model": "claude-sonnet-4-5-20250929",
          "max_tokens": 4096,
          "system": "You are a weather bot.\n\nAnswer in metric units.",
          "messages": [
            {"role": "user", "content": [
              {"type": "text", "text": "Weather in Rome and Paris?"},
              {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="}},
              {"type": "image", "source": {"type": "url", "url": "https://example.com/map.png"}}
            ]},
            {"role": "assistant", "content": [
              {"type": "text", "text": "Let me check."},
              {"type": "tool_use", "id": "call_1", "name": "get_weather", "input": {"city": "Rome"}},
              {"type": "tool_use", "id": "call_2", "name": "get_weather", "input": {}}
            ]},
            {"role": "user", "content": [
              {"type": "tool_result", "tool_use_id": "call_1", "content": "22°C"},
              {"type": "tool_result", "tool_use_id": "call_2", "content": "18°C"},
              {"type": "text", "text": "Which is warmer?"}
            ]}
          ],
          "tools": [{"name": "get_weather", "description": "Current weather", "input_schema": {{{WeatherSchema}}}}],
          "tool_choice": {"type": "any", "disable_parallel_tool_use": true},
          "temperature": 0.2,
          "stop_sequences": ["END"],
          "metadata": {"user_id": "user-42"},
          "stream": true
        }
        """, anthropic);
    }

    [Fact]
    public void Same_role_neighbours_merge_so_anthropic_sees_alternating_turns()
    {
        var request = new ChatRequest
        {
            Model = "m",
            MaxTokens = 100,
            Messages =
            [
                ChatMessage.Text(Role.User, "First."),
                ChatMessage.Text(Role.User, "Second."),
                ChatMessage.Text(Role.System, "Late system note."),
                ChatMessage.Text(Role.Assistant, "A."),
                ChatMessage.Text(Role.Assistant, "B."),
                new ChatMessage(Role.Tool, [new ToolResultPart("t1", "r1", IsError: true)]),
                new ChatMessage(Role.Tool, [new ToolResultPart("t2", "r2")]),
            ],
        };

        JsonAssert.Equal("""
        {
          "model": "claude-x",
          "max_tokens": 100,
          "system": "Late system note.",
          "messages": [
            {"role": "user", "content": [{"type": "text", "text": "First."}, {"type": "text", "text": "Second."}]},
            {"role": "assistant", "content": [{"type": "text", "text": "A."}, {"type": "text", "text": "B."}]},
            {"role": "user", "content": [
              {"type": "tool_result", "tool_use_id": "t1", "content": "r1", "is_error": true},
              {"type": "tool_result", "tool_use_id": "t2", "content": "r2"}
            ]}
          ]
        }
        """, WireFormats.AnthropicMessages.EncodeRequest(request, "claude-x"));
    }

    [Fact]
    public void Signed_reasoning_goes_back_as_a_thinking_block_and_budget_as_thinking()
    {
        var request = new ChatRequest
        {
            Model = "m",
            ReasoningBudgetTokens = 1024,
            MaxTokens = 2048,
            Messages =
            [
                ChatMessage.Text(Role.User, "Hi"),
                new ChatMessage(Role.Assistant, [new ReasoningPart("Thinking.", "sig-1"), new ReasoningPart("No signature."), new ToolCallPart("toolu_1", "f", "not json")]),
                new ChatMessage(Role.Tool, [new ToolResultPart("toolu_1", "ok")]),
            ],
        };

        JsonAssert.Equal("""
        {
          "model": "claude-x",
          "max_tokens": 2048,
          "messages": [
            {"role": "user", "content": [{"type": "text", "text": "Hi"}]},
            {"role": "assistant", "content": [
              {"type": "thinking", "thinking": "Thinking.", "signature": "sig-1"},
              {"type": "tool_use", "id": "toolu_1", "name": "f", "input": {}}
            ]},
            {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_1", "content": "ok"}]}
          ],
          "thinking": {"type": "enabled", "budget_tokens": 1024}
        }
        """, WireFormats.AnthropicMessages.EncodeRequest(request, "claude-x"));
    }

    public static TheoryData<string, string?> ToolChoices => new()
    {
        { "auto", null },
        { "none", """{"type":"none"}""" },
        { "required", """{"type":"any"}""" },
        { "specific", """{"type":"tool","name":"lookup"}""" },
        { "auto-serial", """{"type":"auto","disable_parallel_tool_use":true}""" },
        { "specific-serial", """{"type":"tool","name":"lookup","disable_parallel_tool_use":true}""" },
    };

    [Theory]
    [MemberData(nameof(ToolChoices))]
    public void Tool_choice_and_parallel_calls_map_to_anthropic_tool_choice(string openAiChoice, string? expected)
    {
        var (choice, parallel) = openAiChoice switch
        {
            "none" => ((JsonNode?)"none", (bool?)null),
            "required" => ("required", null),
            "specific" => (JsonNode.Parse("""{"type":"function","function":{"name":"lookup"}}"""), null),
            "auto-serial" => (null, false),
            "specific-serial" => (JsonNode.Parse("""{"type":"function","function":{"name":"lookup"}}"""), false),
            _ => (null, true),
        };
        var body = JsonAssert.Obj("""{"model":"m","messages":[{"role":"user","content":"Hi"}],"tools":[{"type":"function","function":{"name":"lookup"}}]}""");
        if (choice is not null) body["tool_choice"] = choice;
        if (parallel is not null) body["parallel_tool_calls"] = parallel;

        var anthropic = WireFormats.AnthropicMessages.EncodeRequest(WireFormats.OpenAiChat.DecodeRequest(body), "claude-x");

        if (expected is null) Assert.False(anthropic.ContainsKey("tool_choice"));
        else JsonAssert.Equal(expected, anthropic["tool_choice"]);
        // A tool without a schema still gets the empty object schema Anthropic requires.
        JsonAssert.Equal("""[{"name":"lookup","input_schema":{"type":"object","properties":{}}}]""", anthropic["tools"]);
    }

    [Fact]
    public void An_anthropic_agent_turn_becomes_an_openai_body_with_one_tool_message_per_result_and_usage_asked_for()
    {
        var anthropicBody = JsonAssert.Obj("""
        {
          "model": "gpt-router-alias",
          "max_tokens": 300,
          "system": "Be brief.",
          "messages": [
            {"role": "user", "content": [{"type": "text", "text": "Weather?"}, {"type": "image", "source": {"type": "base64", "media_type": "image/webp", "data": "UklGRg=="}}]},
            {"role": "assistant", "content": [
              {"type": "thinking", "thinking": "Call it.", "signature": "sig"},
              {"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {"city": "Rome"}},
              {"type": "tool_use", "id": "toolu_2", "name": "get_weather", "input": {"city": "Oslo"}}
            ]},
            {"role": "user", "content": [
              {"type": "tool_result", "tool_use_id": "toolu_1", "content": "22°C"},
              {"type": "tool_result", "tool_use_id": "toolu_2", "content": [{"type": "text", "text": "-3°C"}]}
            ]}
          ],
          "tools": [{"name": "get_weather", "description": "Current weather", "input_schema": {"type": "object"}}],
          "tool_choice": {"type": "tool", "name": "get_weather"},
          "stop_sequences": ["END"],
          "temperature": 0.5,
          "stream": true
        }
        """);

        var openAi = WireFormats.OpenAiChat.EncodeRequest(WireFormats.AnthropicMessages.DecodeRequest(anthropicBody), "gpt-4.1");

        JsonAssert.Equal("""
        {
          "model": "gpt-4.1",
          "messages": [
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": [
              {"type": "text", "text": "Weather?"},
              {"type": "image_url", "image_url": {"url": "data:image/webp;base64,UklGRg=="}}
            ]},
            {"role": "assistant", "content": null, "reasoning_content": "Call it.", "tool_calls": [
              {"id": "toolu_1", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\":\"Rome\"}"}},
              {"id": "toolu_2", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\":\"Oslo\"}"}}
            ]},
            {"role": "tool", "tool_call_id": "toolu_1", "content": "22°C"},
            {"role": "tool", "tool_call_id": "toolu_2", "content": "-3°C"}
          ],
          "tools": [{"type": "function", "function": {"name": "get_weather", "description": "Current weather", "parameters": {"type": "object"}}}],
          "tool_choice": {"type": "function", "function": {"name": "get_weather"}},
          "temperature": 0.5,
          "max_tokens": 300,
          "stop": ["END"],
          "stream": true,
          "stream_options": {"include_usage": true}
        }
        """, openAi);
    }
}
