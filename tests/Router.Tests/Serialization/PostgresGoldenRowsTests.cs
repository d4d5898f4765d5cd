using System.Text;
using Npgsql;
using Router.Actors.Serialization;
using Router.Tests.Fakes;

namespace Router.Tests.Serialization;

/// <summary>
/// The same golden rows in PostgreSQL (the cluster's store): the start-up rewrite seals and converts
/// them there too, and the accounts recover the state the old version had.
/// </summary>
public sealed class PostgresGoldenRowsTests
{
    [Fact]
    public async Task Old_rows_in_PostgreSQL_are_rewritten_and_recover_the_same_state()
    {
        await using var server = await Cluster.PostgresServer.StartAsync([]);
        var connectionString = server.ConnectionString("127.0.0.1", await server.CreateDatabaseAsync());
        var authDir = TestConfig.NewAuthDir();
        GoldenRows.CopyKeyRing(authDir);
        await using (var creating = new GoldenStore(authDir, "postgres", connectionString))
            await creating.RosterAsync("nobody"); // the journal and snapshot store create their tables

        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await GoldenRows.InsertAsync(connection, row =>
            {
                row.Remove("ordering"); // PostgreSQL numbers rows itself
                return row;
            });
        }

        await using (var first = new GoldenStore(authDir, "postgres", connectionString))
        {
            await GoldenRowsTests.AssertGoldenStateAsync(first, withSnapshots: true); // as the old version wrote them
            Assert.Equal(16, await first.RewriteLegacyRowsAsync());
        }
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            var rows = (await GoldenRows.ReadAsync(connection, "journal")).Concat(await GoldenRows.ReadAsync(connection, "snapshot")).ToList();
            Assert.Equal(20, rows.Count);
            Assert.All(rows, r => Assert.Equal(RouterSerializer.Id, r.SerializerId));
            Assert.DoesNotContain(rows, r => Encoding.UTF8.GetString(r.Payload).Contains("cookie-legacy-plain"));
        }
        await using var second = new GoldenStore(authDir, "postgres", connectionString);
        await GoldenRowsTests.AssertGoldenStateAsync(second, withSnapshots: true);
    }
}
