using Npgsql;

namespace Router.Actors.Hosting.Cluster;

/// <summary>
/// One PostgreSQL table of short-lived rows (name, owner, expiry) the cluster coordinates through:
/// the split brain resolver's lease and the "a cluster is running" mark that joining nodes read.
/// The database clock decides expiry, so node clocks may disagree.
/// </summary>
public sealed class ClusterTable(string connectionString)
{
    private const string Create = """
        CREATE TABLE IF NOT EXISTS router_cluster_lease (
          name text PRIMARY KEY,
          owner text NOT NULL,
          expires_at timestamptz NOT NULL)
        """;

    private readonly SemaphoreSlim _created = new(1, 1);
    private bool _exists;

    /// <summary>Takes the row for <paramref name="owner"/> when it is free, expired or already theirs; true when held.</summary>
    public Task<bool> TryTakeAsync(string name, string owner, TimeSpan ttl, CancellationToken cancel = default) =>
        ScalarAsync("""
            INSERT INTO router_cluster_lease (name, owner, expires_at) VALUES (@name, @owner, now() + @ttl)
            ON CONFLICT (name) DO UPDATE SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at
            WHERE router_cluster_lease.owner = EXCLUDED.owner OR router_cluster_lease.expires_at < now()
            RETURNING true
            """, name, owner, ttl, cancel);

    /// <summary>Extends the row while <paramref name="owner"/> holds it; false when someone else took it.</summary>
    public Task<bool> RenewAsync(string name, string owner, TimeSpan ttl, CancellationToken cancel = default) =>
        ScalarAsync("UPDATE router_cluster_lease SET expires_at = now() + @ttl WHERE name = @name AND owner = @owner RETURNING true", name, owner, ttl, cancel);

    /// <summary>Writes the row whoever held it (a mark any member may refresh).</summary>
    public Task<bool> MarkAsync(string name, string owner, TimeSpan ttl, CancellationToken cancel = default) =>
        ScalarAsync("""
            INSERT INTO router_cluster_lease (name, owner, expires_at) VALUES (@name, @owner, now() + @ttl)
            ON CONFLICT (name) DO UPDATE SET owner = EXCLUDED.owner, expires_at = EXCLUDED.expires_at
            RETURNING true
            """, name, owner, ttl, cancel);

    public Task<bool> ReleaseAsync(string name, string owner, CancellationToken cancel = default) =>
        ScalarAsync("DELETE FROM router_cluster_lease WHERE name = @name AND owner = @owner RETURNING true", name, owner, TimeSpan.Zero, cancel);

    /// <summary>True while the row exists and has not expired.</summary>
    public Task<bool> IsLiveAsync(string name, CancellationToken cancel = default) =>
        ScalarAsync("SELECT true FROM router_cluster_lease WHERE name = @name AND expires_at > now()", name, "", TimeSpan.Zero, cancel);

    private async Task<bool> ScalarAsync(string sql, string name, string owner, TimeSpan ttl, CancellationToken cancel)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancel);
        await EnsureTableAsync(connection, cancel);
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("name", name);
        if (sql.Contains("@owner")) command.Parameters.AddWithValue("owner", owner);
        if (sql.Contains("@ttl")) command.Parameters.AddWithValue("ttl", ttl);
        return await command.ExecuteScalarAsync(cancel) is true;
    }

    /// <summary>
    /// Nodes starting together race on CREATE TABLE IF NOT EXISTS, which PostgreSQL may answer with a
    /// unique violation on its catalog: the loser finds the table made and goes on.
    /// </summary>
    private async Task EnsureTableAsync(NpgsqlConnection connection, CancellationToken cancel)
    {
        if (_exists) return;
        await _created.WaitAsync(cancel);
        try
        {
            if (_exists) return;
            await using var command = new NpgsqlCommand(Create, connection);
            try
            {
                await command.ExecuteNonQueryAsync(cancel);
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DuplicateTable)
            {
            }
            _exists = true;
        }
        finally
        {
            _created.Release();
        }
    }
}
