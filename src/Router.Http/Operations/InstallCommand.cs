using System.Diagnostics;
using Router.Actors.Configuration;
using Router.Actors.Providers.Types;
using Router.Persistence;

namespace Router.Http.Operations;

/// <summary>
/// `install`: checks, and where it can installs, what the enabled providers need: the auth and log
/// folders; Debian's Chromium for AI Studio workers; each side service's program. Says what it did.
/// </summary>
public static class InstallCommand
{
    public static async Task<int> RunAsync(RouterConfig config, TextWriter output)
    {
        var missing = 0;
        PersistenceHocon.EnsureAuthDirectory(config.Auth.Dir);
        output.WriteLine($"ok       auth dir {config.Auth.Dir} (mode 0700)");
        Directory.CreateDirectory(config.Logging.Dir);
        output.WriteLine($"ok       log dir {config.Logging.Dir}");

        foreach (var provider in config.Providers.Where(p => p.Enabled))
        {
            if (ProviderTypes.Find(provider.Type) is { NeedsBrowser: true } && !await EnsureChromiumAsync(output)) missing++;
            if (provider.Service is { } service)
            {
                var program = service.Command.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "";
                if (Resolve(program, service.Cwd) is { } found)
                    output.WriteLine($"ok       {provider.Name}: service program {found}");
                else
                {
                    output.WriteLine($"missing  {provider.Name}: service program '{program}' is not on PATH or in {service.Cwd}");
                    missing++;
                }
            }
        }
        output.WriteLine(missing == 0 ? "Everything the enabled providers need is in place." : $"{missing} thing(s) missing; see above.");
        return missing == 0 ? 0 : 1;
    }

    private static async Task<bool> EnsureChromiumAsync(TextWriter output)
    {
        if (Resolve("chromium", ".") is { } chromium)
        {
            output.WriteLine($"ok       chromium {chromium}");
            return true;
        }
        if (Resolve("apt-get", ".") is null || Environment.UserName != "root")
        {
            output.WriteLine("missing  chromium: install it with `sudo apt-get install -y chromium`");
            return false;
        }
        output.WriteLine("install  chromium (apt-get install -y chromium)...");
        using var apt = Process.Start(new ProcessStartInfo("apt-get", ["install", "-y", "chromium"]) { UseShellExecute = false })!;
        await apt.WaitForExitAsync();
        var installed = apt.ExitCode == 0 && Resolve("chromium", ".") is not null;
        output.WriteLine(installed ? "ok       chromium installed" : $"failed   apt-get exited with {apt.ExitCode}");
        return installed;
    }

    private static string? Resolve(string program, string cwd)
    {
        if (program.Length == 0) return null;
        if (program.Contains('/'))
        {
            var path = Path.GetFullPath(program, cwd);
            return File.Exists(path) ? path : null;
        }
        return (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, program)).FirstOrDefault(File.Exists);
    }
}
