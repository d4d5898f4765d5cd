using Anthropic;
using Anthropic.Models.Messages;
using Router.Tests.Fakes;
using static Router.Tests.Fakes.TestConfig;

namespace Router.Tests.Integration;

/// <summary>The official Anthropic SDK against /v1/messages, with an OpenAI upstream (translated) and an Anthropic one (passed through).</summary>
public sealed class AnthropicSdkTests
{
    private static async Task<(FakeUpstream OpenAi, FakeUpstream Anthropic, RouterUnderTest Router)> StartAsync()
    {
        var openai = await FakeUpstream.StartAsync();
        var anthropic = await FakeUpstream.StartAsync();
        var router = await RouterUnderTest.StartAsync(Build(
            [OpenAiProvider("openai-main", openai, "sk-o"), AnthropicProvider("anthropic-main", anthropic, "sk-a")],
            [Route("^gpt-", "openai-main"), Route("^claude-", "anthropic-main")]));
        return (openai, anthropic, router);
    }

    private static AnthropicClient Client(RouterUnderTest router) => new() { ApiKey = "sk-client", BaseUrl = router.BaseUrl, MaxRetries = 0 };

    private static MessageCreateParams Ask(string model) => new()
    {
        Model = model,
        MaxTokens = 256,
        Messages = [new MessageParam(new UserMessageParam(new MessageContentParam("Hello there", null)), null)],
    };

    [Theory]
    [InlineData("gpt-4.1")]
    [InlineData("claude-sonnet-4-5")]
    public async Task Whole_answers_reach_the_sdk(string model)
    {
        var (openai, anthropic, router) = await StartAsync();
        await using var _ = openai; await using var __ = anthropic; await using var ___ = router;
        openai.Then(OpenAiWire.Text("Hi from OpenAI"));
        anthropic.Then(AnthropicWire.Text("Hi from Claude"));

        var message = await Client(router).Messages.Create(Ask(model));

        var text = string.Concat(message.Content.Select(b => b.TryPickText(out var t) ? t.Text : ""));
        Assert.Equal(model.StartsWith("gpt") ? "Hi from OpenAI" : "Hi from Claude", text);
        Assert.True(message.Usage.OutputTokens > 0);
    }

    [Theory]
    [InlineData("gpt-4.1")]
    [InlineData("claude-sonnet-4-5")]
    public async Task Streams_reach_the_sdk_event_by_event(string model)
    {
        var (openai, anthropic, router) = await StartAsync();
        await using var _ = openai; await using var __ = anthropic; await using var ___ = router;
        openai.Then(OpenAiWire.StreamText(["Hel", "lo", "!"]));
        anthropic.Then(AnthropicWire.StreamText(["Hel", "lo", "!"]));

        var text = "";
        var sawStop = false;
        await foreach (var streamEvent in Client(router).Messages.CreateStreaming(Ask(model)))
        {
            if (streamEvent.TryPickContentBlockDelta(out var delta) && delta.Delta.TryPickText(out var textDelta)) text += textDelta.Text;
            sawStop |= streamEvent.TryPickStop(out var _);
        }

        Assert.Equal("Hello!", text);
        Assert.True(sawStop);
    }
}
