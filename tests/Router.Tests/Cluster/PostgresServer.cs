using System.Diagnostics;
using Npgsql;
using Router.Actors.Services;
using Router.Tests.Operations;
using static Router.Tests.Fakes.TestConfig;

namespace Router.Tests.Cluster;

/// <summary>
/// A private PostgreSQL for one test run: scripts/ensure-postgres.sh finds (or installs) the
/// server programs, initdb makes a data folder in a temporary directory (as the `postgres` user when
/// run as root: initdb refuses root), and the server listens on a free port on 127.0.0.1 and the
/// given extra addresses, with trust authentication, its socket in its own folder. Stopped by its pid.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _root;

    public int Port { get; }

    private PostgresServer(Process process, string root, int port) => (_process, _root, Port) = (process, root, port);

    public static async Task<PostgresServer> StartAsync(IEnumerable<string> extraAddresses)
    {
        var bin = (await Shell.RunAsync("bash", Path.Combine(Built.RepoRoot, "scripts", "ensure-postgres.sh"))).Check("scripts/ensure-postgres.sh")
            .Output.Trim().Split('\n').Last().Trim();
        var root = Directory.CreateTempSubdirectory("router-pg-").FullName;
        var data = Path.Combine(root, "data");
        var socket = Path.Combine(root, "socket");
        Directory.CreateDirectory(socket);
        var asPostgres = Shell.IsRoot;
        if (asPostgres)
        {
            // The postgres user must reach its folders under /tmp/router-pg-XXXX (0700 when made by root).
            await Shell.RunAsync("chmod", "755", root);
            (await Shell.RunAsync("chown", "-R", "postgres:postgres", root)).Check("chown of the PostgreSQL folder");
        }
        (await Shell.RunAsync(asPostgres ? "runuser" : Path.Combine(bin, "initdb"),
            Args(asPostgres, Path.Combine(bin, "initdb"), "-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"),
            TimeSpan.FromSeconds(180))).Check("initdb");
        var addresses = string.Join(",", new[] { "127.0.0.1" }.Concat(extraAddresses).Distinct());
        File.AppendAllText(Path.Combine(data, "pg_hba.conf"), "host all all 0.0.0.0/0 trust\n");
        var port = FreePort();
        var info = new ProcessStartInfo(asPostgres ? "runuser" : Path.Combine(bin, "postgres")) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in Args(asPostgres, Path.Combine(bin, "postgres"), "-D", data, "-p", port.ToString(), "-k", socket,
                     "-c", $"listen_addresses={addresses}", "-c", "fsync=off", "-c", "max_connections=300", "-c", "shared_buffers=32MB"))
            info.ArgumentList.Add(a);
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new PostgresServer(process, root, port);
        await server.WaitReadyAsync();
        return server;
    }

    /// <summary>`runuser -u postgres -- PROGRAM ARGS` as root (runuser waits on the program: the postmaster's own pid is in postmaster.pid).</summary>
    private static IEnumerable<string> Args(bool asPostgres, string program, params string[] args) =>
        asPostgres ? new[] { "-u", "postgres", "--", program }.Concat(args) : args;

    public string ConnectionString(string host, string database) =>
        $"Host={host};Port={Port};Username=postgres;Database={database};Pooling=true;Timeout=5;Command Timeout=10";

    /// <summary>A fresh database of its own for one test's cluster.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "router_" + Guid.NewGuid().ToString("N")[..12];
        await using var connection = new NpgsqlConnection(ConnectionString("127.0.0.1", "postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await command.ExecuteNonQueryAsync();
        return name;
    }

    private async Task WaitReadyAsync()
    {
        var until = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(ConnectionString("127.0.0.1", "postgres"));
                await connection.OpenAsync();
                return;
            }
            catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException && DateTime.UtcNow < until && !_process.HasExited)
            {
                await Task.Delay(200);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        // SIGINT to the postmaster (its pid is the first line of postmaster.pid): a fast shutdown; SIGKILL if it lingers.
        var pidFile = Path.Combine(_root, "data", "postmaster.pid");
        if (File.Exists(pidFile) && int.TryParse(File.ReadLines(pidFile).First().Trim(), out var postmaster))
            await Shell.RunAsync("kill", "-INT", postmaster.ToString());
        else
            ProcessSignals.Terminate(_process.Id);
        if (!_process.WaitForExit(TimeSpan.FromSeconds(20))) _process.Kill(entireProcessTree: true);
        _process.Dispose();
        await Task.Run(() => { try { Directory.Delete(_root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { } });
    }
}
