using System.Text.Json.Nodes;
using Router.Protocols.Canonical;
using Router.Protocols.Tests.Support;

namespace Router.Protocols.Tests.OpenAi;

/// <summary>Canonical events → `chat.completion.chunk` frames exactly as OpenAI streams them.</summary>
public sealed class OpenAiStreamEncodingTests
{
    private static readonly IWireFormat Format = WireFormats.OpenAiChat;

    private static ChatRequest Request(bool includeUsage) =>
        new() { Model = "alias", Messages = [ChatMessage.Text(Role.User, "Hi")], Stream = true, IncludeUsage = includeUsage };

    /// <summary>Asserts a chunk's shape and returns it without `created`, which is the time of encoding.</summary>
    private static JsonObject Chunk(SseFrame frame)
    {
        Assert.Null(frame.EventType);
        var chunk = JsonAssert.Obj(frame.Data);
        var created = (long)chunk["created"]!;
        Assert.InRange(created, DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 60, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 1);
        chunk.Remove("created");
        return chunk;
    }

    private static string Delta(string delta, string? finish = null) =>
        $$$"""{"id":"chatcmpl-1","object":"chat.completion.chunk","model":"gpt-4.1","choices":[{"index":0,"delta":{{{delta}}},"logprobs":null,"finish_reason":{{{(finish is null ? "null" : $"\"{finish}\"")}}}}]}""";

    [Fact]
    public void Text_then_tool_calls_then_finish_and_usage_then_done()
    {
        StreamEvent[] events =
        [
            new MessageStarted("chatcmpl-1", "gpt-4.1"),
            new TextDelta("Hel"),
            new TextDelta("lo"),
            new ToolCallStarted(0, "call_1", "get_weather"),
            new ToolCallArgumentsDelta(0, "{\"city\":"),
            new ToolCallArgumentsDelta(0, "\"Rome\"}"),
            new ToolCallStarted(1, "call_2", "now"),
            new ToolCallArgumentsDelta(1, "{}"),
            new MessageFinished(FinishReason.ToolCalls, new Usage(30, 12, 8)),
        ];

        var frames = Sse.Encode(Format, Request(includeUsage: true), events);

        string[] expected =
        [
            Delta("""{"role":"assistant","content":""}"""),
            Delta("""{"content":"Hel"}"""),
            Delta("""{"content":"lo"}"""),
            Delta("""{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"get_weather","arguments":""}}]}"""),
            Delta("""{"tool_calls":[{"index":0,"function":{"arguments":"{\"city\":"}}]}"""),
            Delta("""{"tool_calls":[{"index":0,"function":{"arguments":"\"Rome\"}"}}]}"""),
            Delta("""{"tool_calls":[{"index":1,"id":"call_2","type":"function","function":{"name":"now","arguments":""}}]}"""),
            Delta("""{"tool_calls":[{"index":1,"function":{"arguments":"{}"}}]}"""),
            Delta("{}", "tool_calls"),
            """{"id":"chatcmpl-1","object":"chat.completion.chunk","model":"gpt-4.1","choices":[],"usage":{"prompt_tokens":30,"completion_tokens":12,"total_tokens":42,"prompt_tokens_details":{"cached_tokens":8}}}""",
        ];
        Assert.Equal(expected.Length + 1, frames.Count);
        for (var i = 0; i < expected.Length; i++)
            JsonAssert.Equal(expected[i], Chunk(frames[i]));
        Assert.Equal(new SseFrame(null, "[DONE]"), frames[^1]);
        Assert.EndsWith("data: [DONE]\n\n", Sse.Wire(frames));
    }

    [Fact]
    public void Without_include_usage_there_is_no_usage_chunk_even_when_usage_is_known()
    {
        StreamEvent[] events = [new MessageStarted("chatcmpl-1", "gpt-4.1"), new TextDelta("Hi"), new UsageReported(new Usage(3, 1)), new MessageFinished(FinishReason.Stop, null)];

        var frames = Sse.Encode(Format, Request(includeUsage: false), events);

        Assert.Equal(4, frames.Count);
        JsonAssert.Equal(Delta("{}", "stop"), Chunk(frames[2]));
        Assert.Equal("[DONE]", frames[3].Data);
    }

    [Fact]
    public void Usage_reported_before_the_finish_goes_into_the_usage_chunk()
    {
        StreamEvent[] events = [new MessageStarted("chatcmpl-1", "gpt-4.1"), new TextDelta("Hi"), new UsageReported(new Usage(3, 1)), new MessageFinished(FinishReason.Length, null)];

        var frames = Sse.Encode(Format, Request(includeUsage: true), events);

        JsonAssert.Equal(Delta("{}", "length"), Chunk(frames[2]));
        JsonAssert.Equal("""{"id":"chatcmpl-1","object":"chat.completion.chunk","model":"gpt-4.1","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}}""", Chunk(frames[3]));
        Assert.Equal("[DONE]", frames[4].Data);
    }

    [Fact]
    public void Reasoning_goes_out_as_reasoning_content_and_signatures_alone_send_nothing()
    {
        StreamEvent[] events = [new MessageStarted("chatcmpl-1", "gpt-4.1"), new ReasoningDelta("Hmm"), new ReasoningDelta("", "sig"), new TextDelta("Yes")];

        var frames = Sse.Encode(Format, Request(includeUsage: false), events);

        Assert.Equal(3, frames.Count);
        JsonAssert.Equal(Delta("""{"reasoning_content":"Hmm"}"""), Chunk(frames[1]));
        JsonAssert.Equal(Delta("""{"content":"Yes"}"""), Chunk(frames[2]));
    }

    [Fact]
    public void A_stream_without_message_started_still_opens_with_the_role_chunk_and_the_requests_model()
    {
        var frames = Sse.Encode(Format, Request(includeUsage: false), [new TextDelta("Hi"), new MessageFinished(FinishReason.Stop, null)]);

        var first = Chunk(frames[0]);
        Assert.StartsWith("chatcmpl-", (string?)first["id"]);
        Assert.Equal("alias", (string?)first["model"]);
        JsonAssert.Equal("""{"role":"assistant","content":""}""", first["choices"]![0]!["delta"]);
        Assert.All(frames.SkipLast(1), f => Assert.Equal((string?)first["id"], (string?)JsonNode.Parse(f.Data)!["id"]));
    }

    [Fact]
    public void A_failure_is_one_error_frame_and_no_done()
    {
        StreamEvent[] events = [new MessageStarted("chatcmpl-1", "gpt-4.1"), new TextDelta("Par"), new StreamFailed(ErrorInfo.GatewayTimeout("The upstream did not finish in time."))];

        var frames = Sse.Encode(Format, Request(includeUsage: true), events);

        Assert.Equal(3, frames.Count);
        Assert.Null(frames[2].EventType);
        JsonAssert.Equal("""{"error":{"message":"The upstream did not finish in time.","type":"timeout_error","param":null,"code":"upstream_timeout"}}""", frames[2].Data);
        Assert.DoesNotContain("[DONE]", Sse.Wire(frames));
    }

    [Theory]
    [InlineData("Hel")]
    [InlineData("quote \" backslash \\ <tag> & 'x' + é 😀 \n\t\u0001 \u2028")]
    [InlineData("")]
    public void A_text_chunk_is_exactly_what_the_chunk_tree_serializes_to(string text)
    {
        var frames = Sse.Encode(Format, Request(includeUsage: false), [new MessageStarted("chatcmpl-\"q\"", "mödel"), new TextDelta("x"), new TextDelta(text)]);

        var created = (long)JsonAssert.Obj(frames[2].Data)["created"]!;
        var tree = new JsonObject
        {
            ["id"] = "chatcmpl-\"q\"", ["object"] = "chat.completion.chunk", ["created"] = created, ["model"] = "mödel",
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0, ["delta"] = new JsonObject { ["content"] = text }, ["logprobs"] = null, ["finish_reason"] = null,
            }),
        };
        Assert.Equal(tree.ToJsonString(), frames[2].Data);
    }
}
