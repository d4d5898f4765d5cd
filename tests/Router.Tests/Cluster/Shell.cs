using System.Diagnostics;

namespace Router.Tests.Cluster;

/// <summary>Runs a program to its end (ip, runuser, the PostgreSQL tools) and returns its exit code and output.</summary>
public static class Shell
{
    public sealed record Result(int ExitCode, string Output)
    {
        public Result Check(string what) =>
            ExitCode == 0 ? this : throw new InvalidOperationException($"{what} failed (exit {ExitCode}): {Output.Trim()}");
    }

    public static async Task<Result> RunAsync(string program, params string[] args) => await RunAsync(program, args, TimeSpan.FromSeconds(120));

    public static async Task<Result> RunAsync(string program, IEnumerable<string> args, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} did not finish in {timeout.TotalSeconds:0} s");
        }
        return new Result(process.ExitCode, await stdout + await stderr);
    }

    public static bool IsRoot => Environment.UserName == "root";
}
