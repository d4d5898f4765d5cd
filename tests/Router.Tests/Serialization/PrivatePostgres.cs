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
        if (asRoot) await RunAsync("chown", "postgres:postgres", folder);
        await RunAsync(As(asRoot, Path.Combine(Bin, "initdb")), [.. AsArgs(asRoot), "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8"]);
        var port = TestConfig.FreePort();
        var server = Process.Start(Start(As(asRoot, Path.Combine(Bin, "postgres")),
            [.. AsArgs(asRoot), "-D", data, "-p", port.ToString(), "-c", "listen_addresses=127.0.0.1", "-c", $"unix_socket_directories={folder}"]))!;
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

    private static string As(bool asRoot, string program) => asRoot ? "setpriv" : program;

    private static string[] AsArgs(bool asRoot) => asRoot ? ["--reuid=postgres", "--regid=postgres", "--init-groups", "--"] : [];

    private static ProcessStartInfo Start(string program, string[] args)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        return info;
    }

    private static async Task RunAsync(string program, params string[] args)
    {
        using var process = Process.Start(Start(program, args))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        await output;
        if (process.ExitCode != 0) throw new InvalidOperationException($"{program} {string.Join(' ', args)} failed ({process.ExitCode}): {errors}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_server.HasExited)
        {
            await RunAsync("kill", "-INT", _server.Id.ToString()); // fast shutdown
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try { await _server.WaitForExitAsync(wait.Token); }
            catch (OperationCanceledException) { _server.Kill(); }
        }
        _server.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
