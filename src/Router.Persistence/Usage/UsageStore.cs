using System.Data.Common;

namespace Router.Persistence.Usage;

/// <summary>
/// The router_usage table in the router's database (SQLite in {auth.dir}/router.db, or PostgreSQL).
/// Writes add to what is stored (INSERT ... ON CONFLICT DO UPDATE SET n = n + excluded.n), so every
/// node of a cluster writes only its own increments and nothing is counted twice.
/// </summary>
public sealed class UsageStore(string store, string connectionString)
{
    private const string Columns = "day, client_key, provider, account, model, requests, input_tokens, output_tokens, cached_tokens, errors";
    private static readonly string[] Counted = ["requests", "input_tokens", "output_tokens", "cached_tokens", "errors"];

    private const string CreateTable = """
        CREATE TABLE IF NOT EXISTS router_usage (
          day TEXT NOT NULL, client_key TEXT NOT NULL, provider TEXT NOT NULL, account TEXT NOT NULL, model TEXT NOT NULL,
          requests BIGINT NOT NULL, input_tokens BIGINT NOT NULL, output_tokens BIGINT NOT NULL,
          cached_tokens BIGINT NOT NULL, errors BIGINT NOT NULL,
          PRIMARY KEY (day, client_key, provider, account, model))
        """;

    private static readonly string Upsert =
        $"INSERT INTO router_usage ({Columns}) VALUES (@day, @client_key, @provider, @account, @model, @requests, @input_tokens, @output_tokens, @cached_tokens, @errors) " +
        "ON CONFLICT (day, client_key, provider, account, model) DO UPDATE SET " +
        string.Join(", ", Counted.Select(c => $"{c} = router_usage.{c} + excluded.{c}"));

    private bool _created;

    /// <summary>Adds each row's counts to the stored ones, in one transaction.</summary>
    public async Task AddAsync(IReadOnlyCollection<UsageRow> rows, CancellationToken cancellationToken = default)
    {
        if (rows.Count == 0) return;
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var row in rows)
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = Upsert;
            var (key, counts) = (row.Key, row.Counts);
            Bind(command, ("day", key.Day), ("client_key", key.ClientKey), ("provider", key.Provider), ("account", key.Account), ("model", key.Model),
                ("requests", counts.Requests), ("input_tokens", counts.InputTokens), ("output_tokens", counts.OutputTokens),
                ("cached_tokens", counts.CachedTokens), ("errors", counts.Errors));
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Every stored row whose day lies in [from, to] (yyyy-MM-dd, inclusive).</summary>
    public async Task<List<UsageRow>> QueryAsync(string from, string to, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM router_usage WHERE day >= @from AND day <= @to";
        Bind(command, ("from", from), ("to", to));
        var rows = new List<UsageRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            rows.Add(new UsageRow(
                new UsageKey(reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetString(0)),
                new UsageCounts(reader.GetInt64(5), reader.GetInt64(6), reader.GetInt64(7), reader.GetInt64(8), reader.GetInt64(9))));
        return rows;
    }

    private async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = StoreConnection.Create(store, connectionString);
        await connection.OpenAsync(cancellationToken);
        if (!_created)
        {
            await using var create = connection.CreateCommand();
            create.CommandText = CreateTable;
            await create.ExecuteNonQueryAsync(cancellationToken);
            _created = true;
        }
        return connection;
    }

    private static void Bind(DbCommand command, params (string Name, object Value)[] values)
    {
        foreach (var (name, value) in values)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@" + name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }
    }
}
