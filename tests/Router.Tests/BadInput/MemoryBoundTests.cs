using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Router.Tests.Fakes;
using Router.Tests.Operations;
using Xunit.Abstractions;
using static Router.Tests.Fakes.TestConfig;

namespace Router.Tests.BadInput;

/// <summary>
/// Ten concurrent 19 MB requests through /v1/messages (translated to the echo provider and back)
/// against the router as its own process: its resident memory stays bounded, and falls back once
/// they are done. The old code peaked at 3.3 GB and never gave any of it back; measured now (idle
/// about 125 MB, loaded 2-core machine): peak 410–470 MB, back to 170–235 MB at once.
/// </summary>
public sealed class MemoryBoundTests(ITestOutputHelper output)
{
    private const long PeakLimitMb = 500;
    private const long SettledLimitMb = 250;

    [Fact]
    public async Task Ten_concurrent_19_MB_requests_keep_memory_bounded_and_give_it_back()
    {
        var dir = Directory.CreateTempSubdirectory("router-memory-").FullName;
        var port = FreePort();
        var config = Path.Combine(dir, "config.unified.yaml");
        File.WriteAllText(config, $$"""
            server: { host: 127.0.0.1, port: {{port}} }
            auth: { dir: ./auth }
            logging: { dir: ./logs }
            providers:
              echo: { type: echo }
            models:
              routing:
                - { pattern: "^echo-", providers: [echo] }
            """);
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = dir, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { Built.RouterDll, "--config", config }) info.ArgumentList.Add(arg);
        using var router = Process.Start(info)!;
        router.OutputDataReceived += (_, _) => { };
        router.ErrorDataReceived += (_, _) => { };
        router.BeginOutputReadLine();
        router.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(3) };
            await RouterUnderTest.EventuallyAsync(async () => await HealthyAsync(http), "the router answers /v1/health", 60_000);
            var before = Memory(router.Id);

            var text = new string('x', 19 * 1024 * 1024 - 200);
            var body = Encoding.UTF8.GetBytes($$"""{"model":"echo-1","max_tokens":10,"messages":[{"role":"user","content":"{{text}}"}]}""");
            var statuses = await Task.WhenAll(Enumerable.Range(0, 10).Select(async _ =>
            {
                var content = new ByteArrayContent(body);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                using var response = await http.PostAsync("/v1/messages", content);
                await response.Content.ReadAsByteArrayAsync();
                return (int)response.StatusCode;
            }));
            var peak = Memory(router.Id);
            Assert.All(statuses, s => Assert.Equal(200, s));

            var settled = Stopwatch.StartNew();
            var now = Memory(router.Id).RssMb;
            while (now >= SettledLimitMb && settled.Elapsed < TimeSpan.FromMinutes(1))
            {
                await Task.Delay(250);
                now = Memory(router.Id).RssMb;
            }
            output.WriteLine($"before: {before.RssMb} MB; peak: {peak.PeakMb} MB; after {settled.Elapsed.TotalSeconds:0} s: {now} MB");
            Assert.True(peak.PeakMb < PeakLimitMb, $"peak resident memory {peak.PeakMb} MB");
            Assert.True(now < SettledLimitMb, $"resident memory still {now} MB a minute later (peak {peak.PeakMb} MB)");
        }
        finally
        {
            router.Kill(entireProcessTree: true);
            await router.WaitForExitAsync();
        }
    }

    private static async Task<bool> HealthyAsync(HttpClient http)
    {
        try { return (await http.GetAsync("/v1/health")).IsSuccessStatusCode; }
        catch (HttpRequestException) { return false; }
    }

    /// <summary>VmHWM (peak) and VmRSS (now) of a process, in MB.</summary>
    private static (long PeakMb, long RssMb) Memory(int pid)
    {
        var lines = File.ReadAllLines($"/proc/{pid}/status");
        long Field(string name) => long.Parse(lines.First(l => l.StartsWith(name + ":"))[(name.Length + 1)..].Trim().Split(' ')[0]) / 1024;
        return (Field("VmHWM"), Field("VmRSS"));
    }
}
