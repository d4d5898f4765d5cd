using System.Text;

namespace Router.Tests.BadInput;

/// <summary>
/// Errors raised before the router's own code runs (routing's 404/405, the server's 400/413/414/431)
/// carry a JSON body in the caller's format, chosen by path, so a client SDK can show the reason.
/// </summary>
public sealed class ErrorBodyTests(EchoRouter echo) : IClassFixture<EchoRouter>
{
    private async Task<RawAnswer> AssertAnsweredAsync(string path, byte[] request, int status)
    {
        var answer = await echo.SendAsync(request);
        Assert.Equal(status, answer.Status);
        CallerShape.Assert(path, answer);
        echo.AssertLogClean();
        return answer;
    }

    [Theory]
    [InlineData("/nowhere")]
    [InlineData("/v1/messages/nowhere")]
    [InlineData("/v1beta/nowhere")]
    [InlineData("/v1/models/echo-1:nowhere")]
    public async Task An_unknown_path_is_a_404(string path) =>
        await AssertAnsweredAsync(path, RawHttp.Request("POST", path, [], []), 404);

    [Theory]
    [InlineData("/v1/chat/completions")]
    [InlineData("/v1/messages")]
    [InlineData("/v1beta/models/echo-1:generateContent")]
    [InlineData("/v1/health")]
    public async Task A_wrong_method_is_a_405(string path)
    {
        var answer = await AssertAnsweredAsync(path, RawHttp.Request(path == "/v1/health" ? "DELETE" : "GET", path, []), 405);
        Assert.True(answer.Headers.ContainsKey("allow"));
    }

    [Fact]
    public async Task HEAD_on_health_is_a_405_that_declares_a_json_body()
    {
        var answer = await echo.SendAsync(RawHttp.Request("HEAD", "/v1/health", []));
        Assert.Equal(405, answer.Status);
        Assert.StartsWith("application/json", answer.Headers["content-type"]);
        Assert.True(int.Parse(answer.Headers["content-length"]) > 0);
    }

    [Theory]
    [InlineData("/v1/chat/completions")]
    [InlineData("/v1/messages")]
    [InlineData("/v1beta/models/echo-1:generateContent")]
    public async Task Headers_over_the_limit_are_a_431(string path) =>
        await AssertAnsweredAsync(path, RawHttp.Request("POST", path, [("X-Padding", new string('a', 40 * 1024))], []), 431);

    [Fact]
    public async Task A_kept_alive_connection_answers_its_next_request_in_that_requests_format()
    {
        // The second request is read by a read that waited for it: its request line still picks the error's format.
        var answers = await RawHttp.SendInTurnAsync(echo.Port,
            RawHttp.JsonPost("/v1/chat/completions", "{\"model\":\"echo-1\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"u8.ToArray(), close: false),
            RawHttp.Request("POST", "/v1/messages", [("Content-Type", "application/json"), ("Content-Length", "twelve")], []));
        Assert.Equal(200, answers[0].Status);
        Assert.Contains("echo: hi", answers[0].Body);
        Assert.Equal(400, answers[1].Status);
        CallerShape.Assert("/v1/messages", answers[1]);
        echo.AssertLogClean();
    }

    [Theory]
    [InlineData("/v1/chat/completions")]
    [InlineData("/v1/messages")]
    [InlineData("/v1beta/models/echo-1:generateContent")]
    public async Task A_url_over_the_limit_is_a_414(string path) =>
        await AssertAnsweredAsync(path, RawHttp.Request("POST", path + "?pad=" + new string('a', 12 * 1024), [], []), 414);

    [Theory]
    [InlineData("/v1/chat/completions")]
    [InlineData("/v1/messages")]
    [InlineData("/v1beta/models/echo-1:generateContent")]
    public async Task A_malformed_chunked_body_is_a_400(string path) =>
        await AssertAnsweredAsync(path, RawHttp.Request("POST", path, [("Content-Type", "application/json"), ("Transfer-Encoding", "chunked")],
            Encoding.ASCII.GetBytes("zz\r\n{}\r\n0\r\n\r\n")), 400);

    [Theory]
    [InlineData("/v1/chat/completions")]
    [InlineData("/v1/messages")]
    [InlineData("/v1beta/models/echo-1:generateContent")]
    public async Task A_content_length_the_server_cannot_read_is_a_400(string path) =>
        await AssertAnsweredAsync(path, RawHttp.Request("POST", path, [("Content-Type", "application/json"), ("Content-Length", "twelve")], []), 400);

    [Theory]
    [InlineData("/v1/chat/completions")]
    [InlineData("/v1/messages")]
    [InlineData("/v1beta/models/echo-1:generateContent")]
    public async Task An_oversized_chunked_body_is_a_413(string path)
    {
        var chunk = new string('x', 64 * 1024);
        var body = new StringBuilder();
        for (var i = 0; i < 20; i++) body.Append($"{chunk.Length:x}\r\n{chunk}\r\n");
        body.Append("0\r\n\r\n");
        await AssertAnsweredAsync(path, RawHttp.Request("POST", path, [("Content-Type", "application/json"), ("Transfer-Encoding", "chunked")],
            Encoding.ASCII.GetBytes(body.ToString())), 413);
    }
}
