using System.Diagnostics;

namespace Bench;

/// <summary>
/// A private PostgreSQL for --cluster: scripts/ensure-postgres.sh finds (or installs) the server programs, initdb makes
/// a data folder in a temporary directory (as the `postgres` user when run as root: initdb refuses root), and the server
/// listens on 127.0.0.1:PORT with trust authentication, its socket in its own folder. Stopped by the postmaster's pid.
/// </summary>
sealed class ClusterPostgres : IAsyncDisposable
{
    private readonly Child _server;
    private readonly string _root;
    public int Port { get; }

    private ClusterPostgres(Child server, string root, int port) => (_server, _root, Port) = (server, root, port);

    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Pooling=true;Timeout=5;Command Timeout=10";

    public static async Task<ClusterPostgres> Start(string repo, int port, int? cpu)
    {
        var (ec, etail) = await Children.RunToEnd("ensure-postgres", "bash", [Path.Combine(repo, "scripts", "ensure-postgres.sh")], TimeSpan.FromMinutes(5));
        if (ec != 0) throw new InvalidOperationException("scripts/ensure-postgres.sh failed: " + etail);
        var bin = etail.Trim().Split('\n').Last().Trim();
        var root = Directory.CreateTempSubdirectory("router-bench-pg-").FullName;
        var data = Path.Combine(root, "data");
        var socket = Path.Combine(root, "socket");
        Directory.CreateDirectory(socket);
        var asPostgres = Environment.UserName == "root";
        if (asPostgres)
        {
            // The postgres user must reach its folders under /tmp (0700 when made by root).
            await Children.RunToEnd("pg-chmod", "chmod", ["755", root], TimeSpan.FromSeconds(30));
            var (cc, ctail) = await Children.RunToEnd("pg-chown", "chown", ["-R", "postgres:postgres", root], TimeSpan.FromSeconds(30));
            if (cc != 0) throw new InvalidOperationException("chown of the PostgreSQL folder failed: " + ctail);
        }
        var initdb = Path.Combine(bin, "initdb");
        var (ic, itail) = await Children.RunToEnd("pg-initdb", asPostgres ? "runuser" : initdb,
            As(asPostgres, initdb, "-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"), TimeSpan.FromMinutes(3));
        if (ic != 0) throw new InvalidOperationException("initdb failed: " + itail);
        var postgres = Path.Combine(bin, "postgres");
        var server = Children.Start("cluster-postgres", asPostgres ? "runuser" : postgres,
            As(asPostgres, postgres, "-D", data, "-p", port.ToString(), "-k", socket, "-c", "listen_addresses=127.0.0.1",
                "-c", "fsync=off", "-c", "max_connections=300", "-c", "shared_buffers=32MB"), cpu: cpu);
        var pg = new ClusterPostgres(server, root, port);
        var ready = Path.Combine(bin, "pg_isready");
        var until = Stopwatch.GetTimestamp() + 60 * Stopwatch.Frequency;
        while (true)
        {
            if (!server.Alive) throw new InvalidOperationException("PostgreSQL exited before it was ready:\n" + server.TailText());
            var (rc, _) = await Children.RunToEnd("pg-isready", ready, ["-h", "127.0.0.1", "-p", port.ToString(), "-U", "postgres"], TimeSpan.FromSeconds(10));
            if (rc == 0) return pg;
            if (Stopwatch.GetTimestamp() > until) { await pg.DisposeAsync(); throw new InvalidOperationException("PostgreSQL was not ready within 60 s:\n" + server.TailText()); }
            await Task.Delay(200);
        }
    }

    /// <summary>`runuser -u postgres -- PROGRAM ARGS` as root.</summary>
    private static string[] As(bool asPostgres, string program, params string[] args) =>
        asPostgres ? ["-u", "postgres", "--", program, .. args] : args;

    public async ValueTask DisposeAsync()
    {
        // SIGINT to the postmaster (first line of postmaster.pid): a fast shutdown; the process tree is killed if it lingers.
        var pidFile = Path.Combine(_root, "data", "postmaster.pid");
        if (File.Exists(pidFile) && int.TryParse(File.ReadLines(pidFile).First().Trim(), out var postmaster))
            await Children.RunToEnd("pg-stop", "kill", ["-INT", postmaster.ToString()], TimeSpan.FromSeconds(10));
        try { await _server.Proc.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20)); } catch (TimeoutException) { }
        Children.Stop(_server);
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
