using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Router.Tests.Fakes;
using static Router.Tests.Operations.RouterProcess;

namespace Router.Tests.Reload;

/// <summary>The built router as a user runs it: SIGHUP reloads its config, and so does `router reload`, which also reports an invalid file.</summary>
public sealed class ReloadSignalTests
{
    private static Task<Run> RunUnderNohupAsync(string dir, string verb)
    {
        var info = StartInfo(dir, verb);
        info.ArgumentList.Insert(0, info.FileName);
        info.FileName = "nohup";
        return RunAsync(info);
    }

    private static string Config(int port, string aliases) => $$"""
        server: { host: 127.0.0.1, port: {{port}} }
        auth: { dir: ./auth }
        logging: { dir: ./logs }
        providers:
          echo: { type: echo }
        models:
          routing:
            - { pattern: "^echo-", providers: [echo] }
          aliases: {{aliases}}

        """;

    /// <param name="hangupIgnored">Started under nohup: the router inherits SIGHUP ignored, and must still reload on it.</param>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SIGHUP_and_router_reload_apply_the_file_and_an_invalid_file_is_refused_with_its_line(bool hangupIgnored)
    {
        var (dir, port) = WriteEchoConfig();
        var path = Path.Combine(dir, "config.unified.yaml");
        File.WriteAllText(path, Config(port, "{}"));
        var start = hangupIgnored ? await RunUnderNohupAsync(dir, "start") : await RunAsync(dir, "start");
        Assert.True(start.ExitCode == 0, start.Output);
        var pid = PidOf(dir);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        try
        {
            async Task<bool> Lists(string model) =>
                (await http.GetFromJsonAsync<JsonObject>("/v1/models"))!["data"]!.AsArray().Any(m => m!["id"]!.ToString() == model);
            Assert.False(await Lists("hup"));

            File.WriteAllText(path, Config(port, "{ hup: echo-hup }"));
            using (var kill = Process.Start("kill", ["-HUP", pid.ToString()])) await kill.WaitForExitAsync();
            await RouterUnderTest.EventuallyAsync(() => Lists("hup"), "the alias SIGHUP reloaded", 15_000);
            Assert.True(Operations.RouterProcess.PidOf(dir) == pid, "SIGHUP must not restart the router");

            File.WriteAllText(path, Config(port, "{ hup: echo-hup, cli: echo-cli }"));
            var reload = await RunAsync(dir, "reload");
            Assert.True(reload.ExitCode == 0, reload.Output);
            Assert.Contains("Reloaded: models.aliases: changed", reload.Output);
            Assert.True(await Lists("cli"));

            File.WriteAllText(path, Config(port, "{ hup: echo-hup }").Replace("type: echo", "type: nonsense"));
            var refused = await RunAsync(dir, "reload");
            Assert.NotEqual(0, refused.ExitCode);
            Assert.Contains("config.unified.yaml:5: providers.echo.type", refused.Output);
            Assert.True(await Lists("cli"), "an invalid file must leave the running config alone");
        }
        finally
        {
            await StopAsync(dir, pid);
        }
    }
}
