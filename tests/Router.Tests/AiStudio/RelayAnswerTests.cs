using System.Net;
using System.Text.Json.Nodes;
using Router.Tests.Fakes;
using static Router.Tests.AiStudio.AiStudioSetup;

namespace Router.Tests.AiStudio;

/// <summary>Whole and streamed answers from a worker on the relay, to OpenAI Chat, Anthropic Messages and Gemini clients.</summary>
public sealed class RelayAnswerTests
{
    [Fact]
    public async Task A_worker_gets_a_gemini_request_and_its_whole_answer_reaches_an_openai_client()
    {
        await using var router = await StartAsync();
        await using var worker = await ScriptedWorker.ConnectAsync(router, "laptop");
        await WorkersJoinedAsync(router, 1);

        var call = router.Http.PostAsync("/v1/chat/completions", ChatBody(text: "Hello relay"));
        var request = await worker.NextRequestAsync();
        Assert.Equal("http_request", request["type"]!.GetValue<string>());
        var payload = request["payload"]!.AsObject();
        Assert.Equal("POST", payload["method"]!.GetValue<string>());
        Assert.Equal($"https://generativelanguage.googleapis.com/v1beta/models/{UpstreamModel}:generateContent", payload["url"]!.GetValue<string>());
        Assert.Equal("application/json", payload["headers"]!["Content-Type"]![0]!.GetValue<string>());
        Assert.Null(payload["headers"]!["x-goog-api-key"]);
        var body = JsonNode.Parse(payload["body"]!.GetValue<string>())!;
        Assert.Equal("Hello relay", body["contents"]![0]!["parts"]![0]!["text"]!.GetValue<string>());
        await worker.RespondAsync(request["id"]!.GetValue<string>(), 200, GeminiAnswer("Hi from AI Studio"));

        var response = await call;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("Hi from AI Studio", answer["choices"]![0]!["message"]!["content"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_streamed_answer_reaches_an_openai_client_chunk_by_chunk()
    {
        await using var router = await StartAsync();
        await using var worker = await ScriptedWorker.ConnectAsync(router, "laptop");
        await WorkersJoinedAsync(router, 1);

        var call = router.Http.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = ChatBody(stream: true) }, HttpCompletionOption.ResponseHeadersRead);
        var request = await worker.NextRequestAsync();
        Assert.EndsWith($"/v1beta/models/{UpstreamModel}:streamGenerateContent?alt=sse", request["payload"]!["url"]!.GetValue<string>());
        var id = request["id"]!.GetValue<string>();
        var pieces = GeminiStream("Hel", "lo").ToList();
        await worker.StreamAsync(id, [pieces[0]], end: false);

        var response = await call;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        // The first piece reaches the client before the worker has sent the rest.
        string? line;
        while ((line = await reader.ReadLineAsync()) is not null && !line.Contains("\"Hel\"")) { }
        Assert.NotNull(line);
        await worker.SendAsync(id, "stream_chunk", new JsonObject { ["data"] = pieces[1] });
        await worker.SendAsync(id, "stream_end");
        var rest = await reader.ReadToEndAsync();
        Assert.Contains("\"lo\"", rest);
        Assert.Contains("data: [DONE]", rest);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Anthropic_and_gemini_clients_get_answers_whole_and_streamed(bool stream)
    {
        await using var router = await StartAsync();
        await using var worker = await ScriptedWorker.ConnectAsync(router, "laptop", handler: Answering("Bonjour"));
        await WorkersJoinedAsync(router, 1);

        var anthropic = await router.Http.PostAsync("/v1/messages", MessagesBody(stream));
        var anthropicText = await anthropic.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, anthropic.StatusCode);
        if (stream)
        {
            Assert.Contains("event: message_stop", anthropicText);
            Assert.Contains("Bon", anthropicText);
            Assert.Contains("jour", anthropicText);
        }
        else
        {
            Assert.Equal("Bonjour", JsonNode.Parse(anthropicText)!["content"]![0]!["text"]!.GetValue<string>());
        }

        var path = stream ? $"/v1beta/models/{Model}:streamGenerateContent?alt=sse" : $"/v1beta/models/{Model}:generateContent";
        var gemini = await router.Http.PostAsync(path, GeminiBody());
        var geminiText = await gemini.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, gemini.StatusCode);
        Assert.Contains(stream ? "jour" : "Bonjour", geminiText);
    }

    [Fact]
    public async Task Token_counts_go_to_the_worker_as_count_tokens()
    {
        await using var router = await StartAsync();
        await using var worker = await ScriptedWorker.ConnectAsync(router, "laptop");
        await WorkersJoinedAsync(router, 1);

        var call = router.Http.PostAsync($"/v1beta/models/{Model}:countTokens", GeminiBody());
        var request = await worker.NextRequestAsync();
        Assert.EndsWith($"/v1beta/models/{UpstreamModel}:countTokens", request["payload"]!["url"]!.GetValue<string>());
        await worker.RespondAsync(request["id"]!.GetValue<string>(), 200, """{"totalTokens":7}""");
        var response = await call;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("7", await response.Content.ReadAsStringAsync());
    }
}
