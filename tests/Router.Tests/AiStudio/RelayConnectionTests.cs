using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Router.Actors.Relay;

namespace Router.Tests.AiStudio;

/// <summary>
/// One worker socket as the router runs it (<see cref="RelayConnection"/> on a loopback TCP pair): where a request's
/// answer is handled, and what happens to a stream whose reader has gone.
/// </summary>
public sealed class RelayConnectionTests : IAsyncLifetime
{
    private readonly RelayConnection _connection = new("aistudio", "laptop", "entity-1", 1, TimeSpan.FromMinutes(5));
    private LoopbackWebSockets _sockets = null!;
    private Task _running = Task.CompletedTask;

    public async Task InitializeAsync()
    {
        _sockets = await LoopbackWebSockets.CreateAsync();
        _running = _connection.RunAsync(_sockets.RouterSide);
    }

    public async Task DisposeAsync()
    {
        _connection.Close("test over");
        await _running.WaitAsync(TimeSpan.FromSeconds(10));
        _sockets.Dispose();
    }

    [Fact]
    public async Task An_answer_is_handled_on_the_thread_pool_not_on_the_sockets_reader()
    {
        // A token that can be cancelled, as every caller's is (the call's timeout, the client's abort).
        using var callerToken = new CancellationTokenSource();
        var sending = _connection.SendAsync(Request(), callerToken.Token);
        // Runs exactly where the answer's task completes: on the socket's reader, if the answer were handled there.
        var whereCompleted = sending.ContinueWith(_ => Environment.StackTrace, TaskContinuationOptions.ExecuteSynchronously);
        var id = (await NextFrameAsync())["id"]!.GetValue<string>();
        await SendAsync(new JsonObject { ["id"] = id, ["type"] = "http_response", ["payload"] = new JsonObject { ["status"] = 200, ["body"] = "{}" } });

        using var response = await sending.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain(nameof(RelayConnection) + ".OnMessage", await whereCompleted);
    }

    [Theory]
    [InlineData("http_response", 1234)]
    [InlineData("http_response", 99)]
    [InlineData("stream_start", 99999)]
    [InlineData("http_response", -5)]
    public async Task An_impossible_status_from_a_worker_is_a_bad_gateway_and_the_socket_serves_on(string type, int status)
    {
        var sending = _connection.SendAsync(Request(), CancellationToken.None);
        var id = (await NextFrameAsync())["id"]!.GetValue<string>();
        await SendAsync(new JsonObject { ["id"] = id, ["type"] = type, ["payload"] = new JsonObject { ["status"] = status, ["body"] = "{}" } });
        using (var response = await sending.WaitAsync(TimeSpan.FromSeconds(10)))
            Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);

        var next = _connection.SendAsync(Request(), CancellationToken.None);
        var nextId = (await NextFrameAsync())["id"]!.GetValue<string>();
        await SendAsync(new JsonObject { ["id"] = nextId, ["type"] = "http_response", ["payload"] = new JsonObject { ["status"] = 200, ["body"] = "{}" } });
        using var answered = await next.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
    }

    [Fact]
    public async Task A_stream_whose_reader_has_gone_is_dropped_at_its_next_chunk()
    {
        var sending = _connection.SendAsync(Request(), CancellationToken.None);
        var id = (await NextFrameAsync())["id"]!.GetValue<string>();
        await SendAsync(new JsonObject { ["id"] = id, ["type"] = "stream_start", ["payload"] = new JsonObject { ["status"] = 200 } });
        var response = await sending.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, _connection.InFlight);

        // The client left: its body is disposed, and the worker goes on streaming.
        response.Dispose();
        await SendAsync(new JsonObject { ["id"] = id, ["type"] = "stream_chunk", ["payload"] = new JsonObject { ["data"] = "data: {}\n\n" } });

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (_connection.InFlight > 0) await Task.Delay(20, deadline.Token);
    }

    [Fact]
    public async Task A_caller_that_gives_up_before_the_answer_gets_a_cancellation_and_the_late_answer_is_dropped()
    {
        using var giveUp = new CancellationTokenSource();
        var sending = _connection.SendAsync(Request(), giveUp.Token);
        var id = (await NextFrameAsync())["id"]!.GetValue<string>();
        giveUp.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sending.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(0, _connection.InFlight);
        await SendAsync(new JsonObject { ["id"] = id, ["type"] = "http_response", ["payload"] = new JsonObject { ["status"] = 200, ["body"] = "{}" } });
        Assert.Equal(0, _connection.InFlight);
    }

    [Fact]
    public async Task A_request_frame_carries_the_body_as_text_with_its_quotes_and_non_ascii_intact()
    {
        const string body = """{"contents":[{"parts":[{"text":"héllo \"world\" <b>"}]}]}""";
        var sending = _connection.SendAsync(Request(body), CancellationToken.None);
        var (frame, raw) = await NextFrameWithTextAsync();

        var payload = frame["payload"]!;
        Assert.Equal("POST", payload["method"]!.GetValue<string>());
        Assert.Equal("http://upstream.test/v1beta/models/m:generateContent", payload["url"]!.GetValue<string>());
        Assert.Equal("application/json; charset=utf-8", payload["headers"]!["Content-Type"]![0]!.GetValue<string>());
        Assert.Equal(body, payload["body"]!.GetValue<string>());
        // Quotes as \" rather than \u0022: a body full of quotes does not grow sixfold on the socket.
        Assert.Contains("{\\\"contents\\\":", raw);
        Assert.Contains("héllo", raw);

        _connection.Close("done");
        await Assert.ThrowsAsync<HttpRequestException>(() => sending.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task Chunks_sent_back_to_back_all_reach_the_reader_in_order_before_the_stream_ends()
    {
        var sending = _connection.SendAsync(Request(), CancellationToken.None);
        var id = (await NextFrameAsync())["id"]!.GetValue<string>();
        await SendAsync(new JsonObject { ["id"] = id, ["type"] = "stream_start", ["payload"] = new JsonObject { ["status"] = 200 } });
        using var response = await sending.WaitAsync(TimeSpan.FromSeconds(10));
        await using var body = await response.Content.ReadAsStreamAsync();

        // A burst of chunks and no stream_end: every one of them reaches the reader, in order, while the stream is open.
        var expected = new StringBuilder();
        for (var i = 0; i < 37; i++)
        {
            var data = $"data: {{\"n\":{i}}}\n\n";
            expected.Append(data);
            await SendAsync(new JsonObject { ["id"] = id, ["type"] = "stream_chunk", ["payload"] = new JsonObject { ["data"] = data } });
        }

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var received = new MemoryStream();
        var buffer = new byte[4096];
        while (received.Length < Encoding.UTF8.GetByteCount(expected.ToString()))
        {
            var read = await body.ReadAsync(buffer, deadline.Token);
            Assert.True(read > 0, "the body ended early");
            received.Write(buffer, 0, read);
        }
        Assert.Equal(expected.ToString(), Encoding.UTF8.GetString(received.ToArray()));
        Assert.Equal(1, _connection.InFlight);
    }

    private static HttpRequestMessage Request(string body = "{}") =>
        new(HttpMethod.Post, "http://upstream.test/v1beta/models/m:generateContent") { Content = new StringContent(body, Encoding.UTF8, "application/json") };

    private async Task<JsonObject> NextFrameAsync() => (await _sockets.NextFrameAsync()).Frame;

    private Task<(JsonObject Frame, string Raw)> NextFrameWithTextAsync() => _sockets.NextFrameAsync();

    private Task SendAsync(JsonObject frame) =>
        _sockets.Worker.SendAsync(Encoding.UTF8.GetBytes(frame.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);
}
