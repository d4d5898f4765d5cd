using System.Diagnostics;
using Npgsql;
using Router.Tests.Fakes;

namespace Router.Tests.Serialization;

/// <summary>
/// A PostgreSQL 15 server of the test's own: a data folder in a fresh temp folder, a free loopback
/// port, trust authentication on 127.0.0.1 only; run as the postgres user when the test runs as root
/// (PostgreSQL refuses root), stopped by its pid.
/// </summary>
public sealed class PrivatePostgres : IAsyncDisposable
{
    private const string Bin = "/usr/lib/postgresql/15/bin";
    private readonly Process _server;
    private readonly string _folder;

    public string ConnectionString { get; }

    private PrivatePostgres(Process server, string folder, int port)
    {
        _server = server;
        _folder = folder;
        ConnectionString = $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=false";
    }

    public static async Task<PrivatePostgres> StartAsync()
    {
        if (!File.Exists(Path.Combine(Bin, "postgres")))
            throw new InvalidOperationException($"PostgreSQL 15 is not installed ({Bin}): apt-get install postgresql-15");
        var folder = Directory.CreateTempSubdirectory("router-pg-").FullName;
        var data = Path.Combine(folder, "data");
        var asRoot = Environment.UserName == "root";
        if (asRoot) await RunAsync(Start("chown", ["postgres:postgres", folder]));
        await RunAsync(As(asRoot, "initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8"));
        var port = TestConfig.FreePort();
        var server = Process.Start(As(asRoot, "postgres", "-D", data, "-p", port.ToString(), "-c", "listen_addresses=127.0.0.1", "-c", $"unix_socket_directories={folder}"))!;
        var postgres = new PrivatePostgres(server, folder, port);
        await RouterUnderTest.EventuallyAsync(postgres.AcceptsAsync, "PostgreSQL accepts connections", 30_000);
        return postgres;
    }

    private async Task<bool> AcceptsAsync()
    {
        if (_server.HasExited) throw new InvalidOperationException($"postgres exited ({_server.ExitCode}): {await _server.StandardError.ReadToEndAsync()}");
        try
        {
            await using var connection = new NpgsqlConnection(ConnectionString);
            await connection.OpenAsync();
            return true;
        }
        catch (NpgsqlException)
        {
            return false;
        }
    }

    /// <summary>A PostgreSQL program, run as the postgres user when this process is root.</summary>
    private static ProcessStartInfo As(bool asRoot, string program, params string[] args) => asRoot
        ? Start("setpriv", ["--reuid=postgres", "--regid=postgres", "--init-groups", "--", Path.Combine(Bin, program), .. args])
        : Start(Path.Combine(Bin, program), args);

    private static ProcessStartInfo Start(string program, string[] args)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        return info;
    }

    private static async Task RunAsync(ProcessStartInfo start)
    {
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        await output;
        if (process.ExitCode != 0) throw new InvalidOperationException($"{start.FileName} {string.Join(' ', start.ArgumentList)} failed ({process.ExitCode}): {errors}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_server.HasExited)
        {
            await RunAsync(Start("kill", ["-INT", _server.Id.ToString()])); // fast shutdown
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try { await _server.WaitForExitAsync(wait.Token); }
            catch (OperationCanceledException) { _server.Kill(); }
        }
        _server.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
