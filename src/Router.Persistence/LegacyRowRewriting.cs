using System.Data.Common;
using System.Text;
using Akka.Actor;
using Akka.Event;

namespace Router.Persistence;

/// <summary>
/// Rewrites the journal and snapshot rows an earlier version wrote with Akka's default JSON serializer
/// (the CLR type name in the payload, secrets in clear text) through the serializer now bound to their
/// type: the router's own, with stable manifests and sealed secrets. After that, renaming a type
/// breaks nothing stored. Rows of other types, and rows that cannot be read (left for the account to
/// report as failed), stay as they are; a row either form reads the same, so accounts recovering
/// meanwhile see no change. On SQLite the file is vacuumed afterwards (with secure_delete on), so the
/// clear text leaves the file too; on PostgreSQL the dead row versions go at the server's next VACUUM.
/// </summary>
public sealed class LegacyRowRewriting(ActorSystem system, string store, string connectionString)
{
    private sealed record Row(object[] Key, byte[] Payload, int SerializerId, string Manifest);

    private sealed record Table(string Name, string Payload, string SerializerId, string[] Key);

    private static readonly Table[] Tables =
    [
        new("journal", "message", "identifier", ["ordering"]),
        new("snapshot", "snapshot", "serializer_id", ["persistence_id", "sequence_number"]),
    ];

    /// <summary>Rewrites every stored row of <paramref name="types"/> not yet written by <paramref name="serializerId"/>; returns how many.</summary>
    public async Task<int> RunAsync(int serializerId, IReadOnlyCollection<Type> types)
    {
        var markers = types.Select(t => Encoding.UTF8.GetBytes(t.FullName!)).ToArray();
        await using var connection = Open();
        await connection.OpenAsync();
        if (!PersistenceHocon.IsPostgres(store)) await ExecuteAsync(connection, "PRAGMA secure_delete = ON");
        var rewritten = 0;
        foreach (var table in Tables)
        {
            List<Row> rows;
            try
            {
                rows = await ReadAsync(connection, table, serializerId);
            }
            catch (DbException)
            {
                continue; // no such table yet: nothing was ever stored
            }
            // Akka's JSON names the type in the payload: only those rows are worth deserializing.
            foreach (var row in rows.Where(r => markers.Any(m => r.Payload.AsSpan().IndexOf(m) >= 0)))
            {
                if (Read(row) is not { } value || !types.Contains(value.GetType())) continue;
                var serializer = system.Serialization.FindSerializerFor(value);
                await UpdateAsync(connection, table, row, serializer.ToBinary(value), serializer.Identifier, Akka.Serialization.Serialization.ManifestFor(serializer, value));
                rewritten++;
            }
        }
        if (rewritten > 0 && !PersistenceHocon.IsPostgres(store)) await ExecuteAsync(connection, "VACUUM");
        if (rewritten > 0) system.Log.Warning("Rewrote {0} stored rows an earlier version wrote with Akka's default JSON (credentials among them are sealed now)", rewritten);
        return rewritten;
    }

    /// <summary>The row's value, or null when it cannot be read (its account reports it when it recovers).</summary>
    private object? Read(Row row)
    {
        try
        {
            return system.Serialization.Deserialize(row.Payload, row.SerializerId, row.Manifest);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return null;
        }
    }

    private DbConnection Open() => StoreConnection.Create(store, connectionString);

    private static async Task<List<Row>> ReadAsync(DbConnection connection, Table table, int serializerId)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {string.Join(", ", table.Key)}, {table.Payload}, {table.SerializerId}, manifest FROM {table.Name} " +
                              $"WHERE {table.SerializerId} IS NOT NULL AND {table.SerializerId} <> {serializerId}";
        var rows = new List<Row>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var key = table.Key.Select((_, i) => reader.GetValue(i)).ToArray();
            var at = table.Key.Length;
            rows.Add(new Row(key, (byte[])reader.GetValue(at), reader.GetInt32(at + 1), reader.IsDBNull(at + 2) ? "" : reader.GetString(at + 2)));
        }
        return rows;
    }

    private static async Task UpdateAsync(DbConnection connection, Table table, Row row, byte[] payload, int serializerId, string manifest)
    {
        await using var command = connection.CreateCommand();
        var where = string.Join(" AND ", table.Key.Select((column, i) => $"{column} = @k{i}"));
        command.CommandText = $"UPDATE {table.Name} SET {table.Payload} = @payload, {table.SerializerId} = @serializer, manifest = @manifest WHERE {where}";
        Add(command, "@payload", payload);
        Add(command, "@serializer", serializerId);
        Add(command, "@manifest", manifest);
        for (var i = 0; i < row.Key.Length; i++) Add(command, $"@k{i}", row.Key[i]);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task ExecuteAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
