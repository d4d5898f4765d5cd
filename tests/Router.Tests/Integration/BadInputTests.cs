using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Router.Tests.Fakes;
using static Router.Tests.Fakes.TestConfig;

namespace Router.Tests.Integration;

/// <summary>Every bad request gets a clear OpenAI-shaped error with the right status, fast, and the router keeps serving.</summary>
public sealed class BadInputTests : IAsyncLifetime
{
    private const string ClientKey = "sk-client-secret-7f3a";
    private FakeUpstream _fake = null!;
    private RouterUnderTest _router = null!;

    public async Task InitializeAsync()
    {
        _fake = await FakeUpstream.StartAsync();
        _fake.DefaultReply = OpenAiWire.Text("fine");
        _router = await RouterUnderTest.StartAsync(Build([OpenAiProvider("openai-main", _fake, "sk-up")], [Route("^gpt-", "openai-main")],
            clientKeys: [ClientKey], maxBodyBytes: 64 * 1024));
    }

    public async Task DisposeAsync()
    {
        await _router.DisposeAsync();
        await _fake.DisposeAsync();
    }

    private async Task<(int Status, JsonObject Error)> PostAsync(HttpContent content, string? key = ClientKey, string path = "/v1/chat/completions")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        if (key is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var watch = Stopwatch.StartNew();
        var response = await _router.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"took {watch.ElapsedMilliseconds} ms");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("   at ", text); // no stack trace
        return ((int)response.StatusCode, (JsonNode.Parse(text)!["error"] as JsonObject)!);
    }

    [Theory]
    [InlineData("{\"model\": \"gpt-4.1\", \"messages\": [", "JSON")]
    [InlineData("[1,2,3]", "JSON object")]
    [InlineData("{\"model\": \"gpt-4.1\"}", "messages")]
    [InlineData("{\"model\": \"gpt-4.1\", \"messages\": \"hello\"}", "messages")]
    [InlineData("{\"model\": 42, \"messages\": [{\"role\":\"user\",\"content\":\"hi\"}]}", "model")]
    [InlineData("{\"model\": \"gpt-4.1\", \"messages\": [{\"role\":\"user\",\"content\":\"hi\"}], \"temperature\": \"hot\"}", "temperature")]
    [InlineData("{\"model\": \"gpt-4.1\", \"messages\": [{\"role\":\"wizard\",\"content\":\"hi\"}]}", "role")]
    public async Task Malformed_requests_get_400_naming_the_problem(string body, string mentioned)
    {
        var (status, error) = await PostAsync(Json.Raw(body));

        Assert.Equal(400, status);
        Assert.Equal("invalid_request_error", error["type"]!.GetValue<string>());
        Assert.Contains(mentioned, error["message"]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
        Assert.Empty(_fake.Requests);
    }

    [Fact]
    public async Task An_oversized_body_gets_413()
    {
        var big = new string('x', 200 * 1024);
        var (status, error) = await PostAsync(Json.Body("gpt-4.1", text: big));

        Assert.Equal(413, status);
        Assert.Contains("limit", error["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_oversized_chunked_body_gets_413()
    {
        var big = "{\"model\":\"gpt-4.1\",\"messages\":[{\"role\":\"user\",\"content\":\"" + new string('x', 200 * 1024) + "\"}]}";
        var content = new StreamContent(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(big)));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ClientKey);

        var response = await _router.Http.SendAsync(request);

        Assert.Equal(413, (int)response.StatusCode);
    }

    [Fact]
    public async Task A_path_traversal_model_name_is_refused()
    {
        var (status, error) = await PostAsync(Json.Body("../../../etc/passwd"));

        Assert.Equal(400, status);
        Assert.Equal("model", error["param"]!.GetValue<string>());
        Assert.Empty(_fake.Requests);
    }

    [Fact]
    public async Task An_unknown_model_gets_404()
    {
        var (status, error) = await PostAsync(Json.Body("llama-unknown"));

        Assert.Equal(404, status);
        Assert.Equal("model_not_found", error["code"]!.GetValue<string>());
        Assert.Contains("llama-unknown", error["message"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("sk-wrong")]
    public async Task A_missing_or_wrong_client_key_gets_401(string? key)
    {
        var (status, error) = await PostAsync(Json.Body("gpt-4.1"), key);

        Assert.Equal(401, status);
        Assert.Equal("authentication_error", error["type"]!.GetValue<string>());
        Assert.DoesNotContain("sk-wrong", error.ToJsonString());
    }

    [Theory]
    [InlineData("x-api-key")]
    [InlineData("x-goog-api-key")]
    [InlineData("query")]
    public async Task The_client_key_is_accepted_in_every_documented_place(string where)
    {
        var path = where == "query" ? $"/v1/chat/completions?key={ClientKey}" : "/v1/chat/completions";
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = Json.Body("gpt-4.1") };
        if (where != "query") request.Headers.Add(where, ClientKey);

        var response = await _router.Http.SendAsync(request);

        Assert.Equal(200, (int)response.StatusCode);
    }

    [Fact]
    public async Task After_bad_input_the_router_still_serves()
    {
        await PostAsync(Json.Raw("{not json"));
        await PostAsync(Json.Body("../../x"));

        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json.Body("gpt-4.1") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ClientKey);
        var response = await _router.Http.SendAsync(request);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Contains("fine", await response.Content.ReadAsStringAsync());
        Assert.DoesNotContain(ClientKey, _router.Log.All);
    }
}
