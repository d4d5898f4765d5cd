using System.Diagnostics;
using System.Net.Http.Json;
using Router.Http.Operations;
using static Router.Tests.Operations.RouterProcess;

namespace Router.Tests.Operations;

/// <summary>server.cpu_scheduling: a router started as a user starts it runs every thread in SCHED_BATCH, or leaves the scheduling alone.</summary>
public sealed class CpuSchedulingTests
{
    private const int SchedNormal = 0, SchedBatch = 3;

    [Fact]
    public void Every_thread_of_a_process_is_put_in_the_batch_class()
    {
        using var child = Process.Start(new ProcessStartInfo("sleep", "60") { UseShellExecute = false })!;
        try
        {
            var outside = PoliciesOf(child.Id).Count(t => t.Policy != SchedBatch);
            var (threads, error) = CpuScheduling.UseBatch(child.Id);
            Assert.Null(error);
            Assert.Equal(outside, threads);
            Assert.All(PoliciesOf(child.Id), t => Assert.Equal(SchedBatch, t.Policy));
        }
        finally
        {
            Kill(child.Id);
        }
    }

    [Theory]
    [InlineData(null, SchedBatch)]
    [InlineData("normal", SchedNormal)]
    public async Task A_started_router_runs_its_threads_in_the_class_its_config_names(string? setting, int expected)
    {
        var (dir, port) = WriteEchoConfig();
        if (setting is not null)
        {
            var path = Path.Combine(dir, "config.unified.yaml");
            File.WriteAllText(path, File.ReadAllText(path).Replace("shutdown_timeout: 30 }", $"shutdown_timeout: 30, cpu_scheduling: {setting} }}"));
        }
        var start = await RunAsync(dir, "start");
        Assert.True(start.ExitCode == 0, start.Output);
        var pid = PidOf(dir);
        try
        {
            // Requests at once make the router's thread pool grow: the threads made after the start are put in the class too.
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            var answers = await Task.WhenAll(Enumerable.Range(0, 32).Select(_ =>
                http.PostAsJsonAsync("/v1/chat/completions", new { model = "echo-1", messages = new[] { new { role = "user", content = "hi" } } })));
            Assert.All(answers, a => Assert.True(a.IsSuccessStatusCode, a.StatusCode.ToString()));
            Assert.True(PoliciesOf(pid).Count > 5, $"{PoliciesOf(pid).Count} threads");
            // Within a sweep or two every thread is in the class, whichever threads the load made.
            var deadline = DateTime.UtcNow.AddSeconds(10);
            List<(string Name, int Policy)> other;
            while ((other = PoliciesOf(pid).Where(t => t.Policy != expected).ToList()).Count > 0 && DateTime.UtcNow < deadline)
                await Task.Delay(50);
            Assert.True(other.Count == 0, $"threads not in policy {expected} after 10 s: " + string.Join(", ", other.Select(t => $"'{t.Name}' {t.Policy}")));
        }
        finally
        {
            await StopAsync(dir, pid);
        }
    }

    /// <summary>Each thread's name and scheduling policy: field 41 of /proc/PID/task/TID/stat, counted after the name's closing parenthesis.</summary>
    private static List<(string Name, int Policy)> PoliciesOf(int pid) =>
        Directory.EnumerateDirectories($"/proc/{pid}/task")
            .Select(task => { try { return File.ReadAllText(Path.Combine(task, "stat")); } catch (IOException) { return null; } })
            .OfType<string>()
            .Select(stat => (stat[(stat.IndexOf('(') + 1)..stat.LastIndexOf(')')], int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[41 - 3])))
            .ToList();
}
