using System.Data.Common;
using System.Text.Json;
using Router.Actors.Configuration;
using Router.Persistence;

namespace Router.Http.ClientKeys;

/// <summary>
/// The client keys created through the management API, in the router's own database (the SQLite file
/// in auth.dir, or PostgreSQL when auth.store is postgres): one row per key with its name, the SHA-256
/// of the key (never the key), its models, limits and creation time.
/// </summary>
public sealed class ManagedKeyStore(AuthConfig auth)
{
    private const string Table = "router_client_keys";
    private readonly string _connectionString = PersistenceHocon.ConnectionString(auth.Store, auth.Dir, auth.ConnectionString);
    private bool _created;

    public async Task<IReadOnlyList<ClientKey>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, $"SELECT name, key_sha256, models, requests_per_minute, tokens_per_day, created FROM {Table} ORDER BY name");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var keys = new List<ClientKey>();
        while (await reader.ReadAsync(cancellationToken))
            keys.Add(new ClientKey(
                reader.GetString(0),
                Convert.FromHexString(reader.GetString(1)),
                JsonSerializer.Deserialize<List<string>>(reader.GetString(2)) ?? [],
                new ClientKeyLimits(reader.IsDBNull(3) ? null : Convert.ToInt32(reader.GetValue(3)), reader.IsDBNull(4) ? null : Convert.ToInt64(reader.GetValue(4))),
                "managed",
                DateTimeOffset.Parse(reader.GetString(5), System.Globalization.CultureInfo.InvariantCulture)));
        return keys;
    }

    /// <summary>False when a key of that name exists already.</summary>
    public async Task<bool> AddAsync(ClientKey key, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection,
            $"INSERT INTO {Table} (name, key_sha256, models, requests_per_minute, tokens_per_day, created) VALUES (@name, @hash, @models, @rpm, @tpd, @created) ON CONFLICT DO NOTHING",
            ("name", key.Name), ("hash", Convert.ToHexStringLower(key.Hash)), ("models", JsonSerializer.Serialize(key.Models)),
            ("rpm", key.Limits.RequestsPerMinute), ("tpd", key.Limits.TokensPerDay), ("created", key.Created!.Value.ToString("O")));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>False when no key has that name.</summary>
    public async Task<bool> DeleteAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, $"DELETE FROM {Table} WHERE name = @name", ("name", name));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = StoreConnection.Create(auth.Store, _connectionString);
        await connection.OpenAsync(cancellationToken);
        if (_created) return connection;
        await using var create = Command(connection,
            $"CREATE TABLE IF NOT EXISTS {Table} (name TEXT PRIMARY KEY, key_sha256 TEXT NOT NULL UNIQUE, models TEXT NOT NULL, " +
            "requests_per_minute INTEGER NULL, tokens_per_day BIGINT NULL, created TEXT NOT NULL)");
        await create.ExecuteNonQueryAsync(cancellationToken);
        _created = true;
        return connection;
    }

    private static DbCommand Command(DbConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@" + name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }
        return command;
    }
}
