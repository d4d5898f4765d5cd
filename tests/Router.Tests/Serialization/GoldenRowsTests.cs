using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Router.Actors.Accounts;
using Router.Actors.Serialization;
using Router.Persistence;

namespace Router.Tests.Serialization;

/// <summary>
/// The journal rows and snapshots earlier versions wrote (Golden/: Akka's default JSON with CLR type
/// names, the first sealed serializer's "CredentialStored.v1"/"AccountState.v1", credentials in clear
/// from before sealing) still recover into the same account and roster state; the start-up rewrite
/// turns them into today's format without changing what they read as.
/// </summary>
public sealed class GoldenRowsTests
{
    [Fact]
    public async Task Old_rows_recover_into_the_state_the_old_version_had()
    {
        await using var store = new GoldenStore(await GoldenRows.SqliteAuthDirAsync());
        await AssertGoldenStateAsync(store, withSnapshots: true);
    }

    [Fact]
    public async Task Old_events_alone_recover_the_same_health_cooldown_and_credentials()
    {
        await using var store = new GoldenStore(await GoldenRows.SqliteAuthDirAsync(row => (string)row["table"]! == "snapshot" ? null : row));
        await AssertGoldenStateAsync(store, withSnapshots: false);
    }

    [Fact]
    public async Task The_start_up_rewrite_turns_every_old_row_into_the_new_format_and_they_read_the_same()
    {
        var authDir = await GoldenRows.SqliteAuthDirAsync();
        await using (var first = new GoldenStore(authDir))
            Assert.Equal(16, await first.RewriteLegacyRowsAsync()); // 15 journal rows and 1 snapshot in Akka's default JSON

        await using (var connection = new SqliteConnection(PersistenceHocon.ConnectionString("sqlite", authDir, "")))
        {
            await connection.OpenAsync();
            var rows = (await GoldenRows.ReadAsync(connection, "journal")).Concat(await GoldenRows.ReadAsync(connection, "snapshot")).ToList();
            Assert.All(rows, r => Assert.Equal(RouterSerializer.Id, r.SerializerId));
            Assert.All(rows, r => Assert.NotNull(Manifests.Table.ForManifest(r.Manifest)));
            Assert.DoesNotContain(rows, r => Encoding.UTF8.GetString(r.Payload).Contains("$type"));
        }
        foreach (var file in Directory.EnumerateFiles(authDir, PersistenceHocon.SqliteFileName + "*"))
            Assert.False(Encoding.UTF8.GetString(File.ReadAllBytes(file)).Contains("cookie-legacy-plain"), $"{Path.GetFileName(file)} still holds a credential in clear");

        await using var second = new GoldenStore(authDir);
        await AssertGoldenStateAsync(second, withSnapshots: true);
        Assert.Equal(0, await second.RewriteLegacyRowsAsync());
    }

    /// <summary>The state expected.json recorded from the old version (counters live in snapshots only).</summary>
    internal static async Task AssertGoldenStateAsync(GoldenStore store, bool withSnapshots)
    {
        var expected = GoldenRows.Expected;
        foreach (var (spec, name) in new[] { (GoldenStore.Key, "key"), (GoldenStore.Alice, "alice"), (GoldenStore.Bob, "bob") })
        {
            var want = expected[name]!.AsObject();
            var got = await GoldenStore.StatusAsync(store.Start(spec), spec);
            Assert.Equal(GoldenRows.Text(want, "Name"), got.Name);
            Assert.Equal(want["Health"]!.GetValue<int>(), (int)got.Health);
            Assert.Equal(want["HealthReason"]?.GetValue<string>(), got.HealthReason);
            Assert.Equal(want["CooldownUntil"]?.GetValue<DateTimeOffset>(), got.CooldownUntil);
            Assert.Equal(want["Identity"]?.GetValue<string>(), got.Identity);
            Assert.Equal(want["TokenExpiresAt"]?.GetValue<DateTimeOffset>(), got.TokenExpiresAt);
            var counters = want["Counters"]!;
            var wantCounters = withSnapshots
                ? new AccountCounters(Long(counters, "Requests"), Long(counters, "Succeeded"), Long(counters, "Failed"), Long(counters, "RateLimited"))
                : new AccountCounters();
            Assert.Equal(wantCounters, got.Counters);
        }

        // Alice's access token was sealed with the golden key ring: after her cooldown, her lease carries it in clear.
        store.Now = GoldenStore.WrittenAt.AddHours(3);
        var lease = Assert.IsType<LeaseGranted>(await GoldenStore.LeaseAsync(store.Start(GoldenStore.Alice), GoldenStore.Alice));
        Assert.Equal("at-golden-alice-0123456789", lease.Lease.Credential);

        // The legacy account (stored before sealing existed) keeps its session and token.
        var legacy = store.Start(GoldenStore.Legacy);
        var legacyLease = Assert.IsType<LeaseGranted>(await GoldenStore.LeaseAsync(legacy, GoldenStore.Legacy));
        Assert.Equal("jwt-legacy-plain-0123456789", legacyLease.Lease.Credential);
        var legacyStatus = await GoldenStore.StatusAsync(legacy, GoldenStore.Legacy);
        Assert.Equal("sess_legacy", legacyStatus.Identity);
        Assert.Equal(withSnapshots ? new AccountCounters(3, 2, 1, 0) : new AccountCounters(), legacyStatus.Counters);

        var claude = await store.RosterAsync("claude");
        var wantMember = expected["roster"]!["Members"]![0]!;
        var member = Assert.Single(claude.Members);
        Assert.Equal((GoldenRows.Text(wantMember.AsObject(), "EntityId"), GoldenRows.Text(wantMember.AsObject(), "Identity"), wantMember["Number"]!.GetValue<int>()),
            (member.EntityId, member.Identity, member.Number));
        var ctonew = await store.RosterAsync("ctonew");
        Assert.Equal(new RosterMember(GoldenStore.Legacy.EntityId, "sess_legacy", 1), Assert.Single(ctonew.Members));
    }

    private static long Long(JsonNode node, string key) => node[key]!.GetValue<long>();
}
