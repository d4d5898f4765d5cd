namespace Router.Persistence;

/// <summary>
/// The Akka.Persistence.Sql settings for the configured store: SQLite in {auth.dir}/router.db by
/// default (created on first start), PostgreSQL for a cluster. Journal and snapshots share one database.
/// </summary>
public static class PersistenceHocon
{
    public const string SqliteFileName = "router.db";

    public static bool IsPostgres(string store) => store == "postgres";

    /// <summary>The ADO.NET connection string of the store (auth.connection_string for postgres).</summary>
    public static string ConnectionString(string store, string authDir, string connectionString) =>
        IsPostgres(store) ? connectionString : $"Data Source={Path.Combine(authDir, SqliteFileName)};Pooling=True";

    public static string For(string store, string authDir, string connectionString)
    {
        var provider = IsPostgres(store) ? "PostgreSQL.15" : "SQLite.MS";
        var quoted = Quote(ConnectionString(store, authDir, connectionString));
        return $$"""
            akka.persistence {
              journal.plugin = "akka.persistence.journal.sql"
              snapshot-store.plugin = "akka.persistence.snapshot-store.sql"
              journal.sql {
                connection-string = {{quoted}}
                provider-name = "{{provider}}"
                auto-initialize = true
              }
              snapshot-store.sql {
                connection-string = {{quoted}}
                provider-name = "{{provider}}"
                auto-initialize = true
              }
            }
            """;
    }

    /// <summary>
    /// The directory must exist before SQLite opens the file; token files and the key ring share it.
    /// It is 0700, and the database and token files an older version left readable become 0600.
    /// </summary>
    public static void EnsureAuthDirectory(string authDir)
    {
        OwnerOnlyFiles.EnsureDirectory(authDir);
        OwnerOnlyFiles.Restrict(authDir, SqliteFileName + "*");
        OwnerOnlyFiles.Restrict(authDir, "*.json");
    }

    public static string Quote(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
