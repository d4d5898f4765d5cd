using System.Data.Common;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Router.Persistence;

namespace Router.Tests.Serialization;

/// <summary>
/// The journal and snapshot rows in Golden/ (what earlier versions wrote: manifest, serializer id,
/// payload bytes), put back into a store the way Akka.Persistence.Sql wrote them, with the key ring
/// that sealed their credentials.
/// </summary>
public static class GoldenRows
{
    public static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "Serialization", "Golden");

    public static JsonObject Expected => JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, "expected.json")))!.AsObject();

    /// <summary>A fresh SQLite auth dir holding the golden rows and key ring, as a user's router.db would.</summary>
    public static async Task<string> SqliteAuthDirAsync(Func<JsonObject, JsonObject?>? change = null)
    {
        var authDir = Directory.CreateTempSubdirectory("router-golden-").FullName;
        PersistenceHocon.EnsureAuthDirectory(authDir);
        CopyKeyRing(authDir);
        await using var connection = new SqliteConnection(PersistenceHocon.ConnectionString("sqlite", authDir, ""));
        await connection.OpenAsync();
        foreach (var statement in File.ReadAllText(Path.Combine(Folder, "sqlite-schema.sql")).Split(";\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            await ExecuteAsync(connection, statement);
        await InsertAsync(connection, change);
        return authDir;
    }

    public static void CopyKeyRing(string authDir)
    {
        var keys = Path.Combine(authDir, SecretSealer.KeysDirectoryName);
        OwnerOnlyFiles.EnsureDirectory(keys);
        foreach (var file in Directory.GetFiles(Path.Combine(Folder, "keys")))
            File.Copy(file, Path.Combine(keys, Path.GetFileName(file)));
    }

    /// <summary>Inserts every golden row (each through <paramref name="change"/>, which may drop it by returning null).</summary>
    public static async Task InsertAsync(DbConnection connection, Func<JsonObject, JsonObject?>? change = null)
    {
        foreach (var table in new[] { "journal", "snapshot" })
        foreach (var line in File.ReadAllLines(Path.Combine(Folder, table + ".jsonl")).Where(l => l.Length > 0))
        {
            var row = JsonNode.Parse(line)!.AsObject();
            row["table"] = table;
            if ((change is null ? row : change(row)) is not { } kept) continue;
            kept.Remove("table");
            await using var command = connection.CreateCommand();
            var columns = kept.Select(c => c.Key).ToList();
            command.CommandText = $"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ({string.Join(", ", columns.Select(c => "@" + c))})";
            foreach (var (column, value) in kept)
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = "@" + column;
                parameter.Value = Value(connection, column, value);
                command.Parameters.Add(parameter);
            }
            await command.ExecuteNonQueryAsync();
        }
    }

    private static object Value(DbConnection connection, string column, JsonNode? value) => value switch
    {
        null => DBNull.Value,
        _ when column is "message" or "snapshot" => Convert.FromBase64String(value.GetValue<string>()),
        _ when column == "deleted" => connection is SqliteConnection ? value.GetValue<long>() : value.GetValue<long>() != 0,
        _ when column is "identifier" or "serializer_id" => (int)value.GetValue<long>(),
        _ when value.GetValueKind() == JsonValueKind.Number => value.GetValue<long>(),
        _ => value.GetValue<string>(),
    };

    /// <summary>Replaces a row's payload (a corrupt journal row or snapshot).</summary>
    public static void SetPayload(JsonObject row, byte[] payload) =>
        row[(string)row["table"]! == "journal" ? "message" : "snapshot"] = Convert.ToBase64String(payload);

    public static async Task ExecuteAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    public static async Task<List<(string PersistenceId, int SerializerId, string Manifest, byte[] Payload)>> ReadAsync(DbConnection connection, string table)
    {
        var (payload, serializer) = table == "journal" ? ("message", "identifier") : ("snapshot", "serializer_id");
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT persistence_id, {serializer}, manifest, {payload} FROM {table}";
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(string, int, string, byte[])>();
        while (await reader.ReadAsync())
            rows.Add((reader.GetString(0), Convert.ToInt32(reader.GetValue(1)), reader.IsDBNull(2) ? "" : reader.GetString(2), (byte[])reader.GetValue(3)));
        return rows;
    }

    public static string Text(JsonObject o, string key) => o[key]!.GetValue<string>();

    public static JsonSerializerOptions Indented { get; } = new() { WriteIndented = true };
}
