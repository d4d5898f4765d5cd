using System.Diagnostics;
using Router.Tests.Operations;

namespace Router.Tests.Diagnostics;

/// <summary>`dotnet router.dll diag ...` as an operator runs it, with or without ROUTER_MANAGEMENT_KEY.</summary>
public static class DiagCli
{
    public sealed record Run(int ExitCode, string Stdout, string Stderr)
    {
        public override string ToString() => $"exit {ExitCode}\nstdout: {Stdout}\nstderr: {Stderr}";
    }

    public static async Task<Run> RunAsync(string? managementKey, params string[] args)
    {
        var info = RouterProcess.StartInfo(Path.GetTempPath(), ["diag", .. args]);
        info.Environment.Remove("ROUTER_MANAGEMENT_KEY");
        if (managementKey is not null) info.Environment["ROUTER_MANAGEMENT_KEY"] = managementKey;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            RouterProcess.Kill(process.Id);
            throw;
        }
        return new Run(process.ExitCode, await stdout, await stderr);
    }
}
