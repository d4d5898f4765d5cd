using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Router.Persistence;

/// <summary>
/// A new, unopened ADO.NET connection to the configured store (auth.store): SQLite or PostgreSQL.
/// Each driver is named in a method of its own, so a router on SQLite never loads Npgsql.
/// </summary>
public static class StoreConnection
{
    public static DbConnection Create(string store, string connectionString) =>
        PersistenceHocon.IsPostgres(store) ? Postgres(connectionString) : Sqlite(connectionString);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static DbConnection Postgres(string connectionString) => new NpgsqlConnection(connectionString);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static DbConnection Sqlite(string connectionString) => new SqliteConnection(connectionString);
}
