using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Router.Actors.Services;
using Router.Tests.Fakes;
using Router.Http.Operations;

using static Router.Tests.Operations.RouterProcess;

namespace Router.Tests.Operations;

/// <summary>start / status / logs / restart / stop driven as processes, as a user runs them; SIGTERM during a stream.</summary>
public sealed class CommandLineTests
{
    [Fact]
    public async Task Start_status_logs_restart_and_stop_work_as_a_user_runs_them()
    {
        var (dir, port) = WriteEchoConfig();
        var start = await RunAsync(dir, "start");
        Assert.Equal(0, start.ExitCode);
        Assert.Contains("started", start.Output);
        Assert.Contains("healthy", start.Output);
        var pid = PidOf(dir);
        try
        {
            Assert.True(ProcessSignals.IsAlive(pid));
            if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Daemon.Gen0SizeVariable)))
                Assert.Contains($"{Daemon.Gen0SizeVariable}={Daemon.Gen0Size}", File.ReadAllText($"/proc/{pid}/environ").Split('\0'));
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            Assert.Equal(HttpStatusCode.OK, (await http.PostAsync("/v1/chat/completions", Integration.Json.Body("echo-1"))).StatusCode);

            var again = await RunAsync(dir, "start");
            Assert.Equal(0, again.ExitCode);
            Assert.Contains($"already running (pid {pid})", again.Output);

            var status = await RunAsync(dir, "status");
            Assert.Equal(0, status.ExitCode);
            Assert.Contains($"pid {pid}", status.Output);
            Assert.Contains("echo", status.Output);
            Assert.Contains("healthy", status.Output);
            var json = JsonNode.Parse((await RunAsync(dir, "status", "--json")).Output)!;
            Assert.Equal(pid, json["router"]!["pid"]!.GetValue<int>());
            Assert.Equal("healthy", json["providers"]![0]!["health"]!.GetValue<string>());

            var logs = await RunAsync(dir, "logs", "-n", "20");
            Assert.Equal(0, logs.ExitCode);
            Assert.Contains("Router listening", logs.Output);
            Assert.Contains("\"model\":\"echo-1\"", logs.Output); // the request log line

            var restart = await RunAsync(dir, "restart");
            Assert.Equal(0, restart.ExitCode);
            Assert.False(ProcessSignals.IsAlive(pid), "the old router is gone after a restart");
            pid = PidOf(dir);
            Assert.True(ProcessSignals.IsAlive(pid));
        }
        finally
        {
            var stop = await RunAsync(dir, "stop");
            Assert.Equal(0, stop.ExitCode);
            Assert.Contains($"Router stopped (pid {pid})", stop.Output);
        }
        Assert.False(ProcessSignals.IsAlive(pid), "no router process is left behind");
        Assert.False(File.Exists(Path.Combine(dir, "auth", "router.pid")));
        var stopped = await RunAsync(dir, "status");
        Assert.Equal(3, stopped.ExitCode);
        Assert.Contains("stopped", stopped.Output);
        Assert.Contains("not running", (await RunAsync(dir, "stop")).Output);
    }

    [Fact]
    public async Task SIGTERM_during_a_long_stream_lets_the_stream_finish_before_the_router_exits()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.DefaultReply = OpenAiWire.StreamText(Enumerable.Range(1, 15).Select(i => $" w{i}"), pause: TimeSpan.FromMilliseconds(200));
        var (dir, port) = WriteConfig(
            $"  slow: {{ type: openai, base_url: \"{upstream.BaseUrl}/v1\", api_keys: [sk-1] }}",
            "    - { pattern: \"^gpt-\", providers: [slow] }");
        Assert.Equal(0, (await RunAsync(dir, "start")).ExitCode);
        var pid = PidOf(dir);

        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
            var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Integration.Json.Body("gpt-4.1", stream: true) };
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            var first = await reader.ReadLineAsync();
            Assert.StartsWith("data: ", first);

            ProcessSignals.Terminate(pid); // as `router stop` or `docker stop` does
            var rest = await reader.ReadToEndAsync();
            Assert.Contains("w15", rest);
            Assert.EndsWith("data: [DONE]\n\n", rest);
            await RouterUnderTest.EventuallyAsync(() => Task.FromResult(!ProcessSignals.IsAlive(pid)), "the router exits after the stream", 20000);
            Assert.False(File.Exists(Path.Combine(dir, "auth", "router.pid")));
        }
        finally
        {
            if (ProcessSignals.IsAlive(pid)) await StopAsync(dir, pid); // a failed assertion must not leave the router running
        }
    }
}
