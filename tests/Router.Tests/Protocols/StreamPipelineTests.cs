using System.Text;
using Router.Actors.Dispatch;
using Router.Protocols;
using Router.Protocols.Canonical;

namespace Router.Tests.Protocols;

/// <summary>The stream stages on vendor transcripts: complete streams end with MessageFinished, cut ones with StreamFailed.</summary>
public sealed class StreamPipelineTests
{
    private const string OpenAiTranscript =
        "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4.1\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n" +
        "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4.1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null}]}\n\n" +
        "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4.1\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n" +
        "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4.1\",\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":1,\"total_tokens\":6}}\n\n" +
        "data: [DONE]\n\n";

    private static async Task<List<StreamEvent>> DecodeAsync(string transcript)
    {
        var events = new List<StreamEvent>();
        await foreach (var e in StreamPipeline.Events(new MemoryStream(Encoding.UTF8.GetBytes(transcript)), WireFormats.OpenAiChat, CancellationToken.None))
            events.Add(e);
        return events;
    }

    [Fact]
    public async Task A_complete_stream_ends_with_the_finish_and_its_usage()
    {
        var events = await DecodeAsync(OpenAiTranscript);

        Assert.IsType<MessageStarted>(events[0]);
        Assert.Equal("Hi", Assert.Single(events.OfType<TextDelta>()).Text);
        var finished = Assert.IsType<MessageFinished>(events[^1]);
        Assert.Equal(6, finished.Usage!.TotalTokens);
        Assert.DoesNotContain(events, e => e is StreamFailed);
    }

    [Fact]
    public async Task A_stream_cut_before_its_end_marker_ends_with_a_failure()
    {
        var events = await DecodeAsync(OpenAiTranscript[..OpenAiTranscript.IndexOf("data: [DONE]", StringComparison.Ordinal)]);

        Assert.IsType<StreamFailed>(events[^1]);
        Assert.DoesNotContain(events, e => e is MessageFinished);
    }
}
