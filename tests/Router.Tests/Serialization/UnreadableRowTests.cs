using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Event;
using Router.Actors.Accounts;
using System.Net;
using System.Net.Http.Json;
using Router.Tests.Fakes;
using static Router.Tests.Fakes.TestConfig;

namespace Router.Tests.Serialization;

/// <summary>
/// A journal row or snapshot that cannot be read fails that one account, once: one error line names
/// its label and persistence id, its status says failed and why, it grants no lease, it is not
/// restarted again and again, and the other accounts serve on.
/// </summary>
public sealed class UnreadableRowTests
{
    public static TheoryData<string, long> CorruptRows => new()
    {
        { "journal", 3 },  // an event in the middle (the snapshot is removed, so recovery reads the events)
        { "snapshot", 6 },
    };

    [Theory]
    [MemberData(nameof(CorruptRows))]
    public async Task A_row_that_cannot_be_read_fails_that_account_only_with_one_clear_log_line(string table, long sequenceNumber)
    {
        var persistenceId = "account-" + GoldenStore.Key.EntityId;
        var authDir = await GoldenRows.SqliteAuthDirAsync(row =>
        {
            if ((string)row["persistence_id"]! != persistenceId) return row;
            if ((string)row["table"]! == "snapshot" && table == "journal") return null;
            if ((string)row["table"]! == table && row["sequence_number"]!.GetValue<long>() == sequenceNumber)
                GoldenRows.SetPayload(row, Corrupted(Convert.FromBase64String((string)row[table == "journal" ? "message" : "snapshot"]!)));
            return row;
        });
        await using var store = new GoldenStore(authDir);
        var errors = new ConcurrentQueue<string>();
        var collector = store.System.ActorOf(Props.Create(() => new ErrorCollector(errors)));
        store.System.EventStream.Subscribe(collector, typeof(Error));

        var failed = store.System.ActorOf(AccountActor.PropsFor(GoldenStore.Key, TimeSpan.FromMinutes(5)), "failed-account");
        AccountSnapshot? status = null;
        await RouterUnderTest.EventuallyAsync(async () =>
        {
            status = await failed.Ask<AccountSnapshot>(new GetAccountStatus(GoldenStore.Key.EntityId), TimeSpan.FromSeconds(5)).ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : null);
            return status?.Health == AccountHealth.Failed;
        }, "the account reports itself failed", 60_000);
        Assert.Equal("openai#1", status!.Name);
        Assert.Contains("stored state cannot be read", status.HealthReason);

        var denied = Assert.IsType<LeaseDenied>(await failed.Ask<object>(new AcquireLease(GoldenStore.Key.EntityId, 7), TimeSpan.FromSeconds(5)));
        Assert.Equal((DenyReason.Failed, 7L), (denied.Reason, denied.CorrelationId));

        // The others serve on.
        var alice = store.Start(GoldenStore.Alice);
        Assert.Equal("claude#1", (await GoldenStore.StatusAsync(alice, GoldenStore.Alice)).Name);

        // One clear line, and no second attempt (the backoff would retry within 0.2, 0.4, 0.8 s).
        var deadline = DateTime.UtcNow.AddSeconds(2);
        while (DateTime.UtcNow < deadline)
        {
            Assert.Equal(AccountHealth.Failed, (await GoldenStore.StatusAsync(failed, GoldenStore.Key)).Health);
            await Task.Delay(100);
        }
        var line = Assert.Single(errors, e => e.Contains(persistenceId));
        Assert.Contains("Account openai#1 (persistence id " + persistenceId + ") is failed", line);
        Assert.Contains("cannot be read", line);
        Assert.DoesNotContain(errors, e => e.Contains("sk-golden"));
    }

    [Fact]
    public async Task A_router_with_a_corrupt_row_serves_from_the_other_accounts_and_its_status_names_the_failed_one()
    {
        var persistenceId = "account-" + GoldenStore.Key.EntityId;
        var authDir = await GoldenRows.SqliteAuthDirAsync(row => (string)row["persistence_id"]! != persistenceId ? row
            : (string)row["table"]! == "snapshot" ? null
            : row["sequence_number"]!.GetValue<long>() == 2 ? Corrupt(row) : row);
        await using var golden = await FakeUpstream.StartAsync();
        await using var backup = await FakeUpstream.StartAsync();
        backup.DefaultReply = OpenAiWire.Text("hello from backup");
        // The golden key account is "openai#1" with this key: same entity id, so the corrupt journal is its own.
        var config = Build([OpenAiProvider("openai", golden, "sk-golden-0123456789"), OpenAiProvider("backup", backup, "sk-backup-1")],
            [Route("^gpt-", "openai", "backup")], authDir);
        await using var router = await RouterUnderTest.StartAsync(config);

        await RouterUnderTest.EventuallyAsync(async () => (string?)(await AccountAsync(router))["health"] == "failed", "the account failed in the status", 60_000);
        Assert.Contains("stored state cannot be read", (string?)(await AccountAsync(router))["reason"]);
        Assert.Equal("down", await router.ProviderHealthAsync("openai"));
        Assert.Equal("healthy", await router.ProviderHealthAsync("backup"));
        var answer = await router.Http.PostAsync("/v1/chat/completions", Integration.Json.Body("gpt-4.1"));
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Contains("hello from backup", await answer.Content.ReadAsStringAsync());
        Assert.Equal(0, golden.Requests.Count);
        Assert.Single(router.Log.All.Split('\n'), l => l.Contains("Account openai#1 (persistence id " + persistenceId + ") is failed"));
    }

    /// <summary>A journal row (default JSON) names a record renamed since it was written; a snapshot (ours) is cut short.</summary>
    private static byte[] Corrupted(byte[] payload)
    {
        var text = Encoding.UTF8.GetString(payload);
        return Encoding.UTF8.GetBytes(text.Contains("$type") ? text.Replace("Router.Actors.Accounts.", "Router.Actors.Renamed.") : text[..(text.Length / 2)]);
    }

    private static JsonObject Corrupt(JsonObject row)
    {
        GoldenRows.SetPayload(row, "not json at all"u8.ToArray());
        return row;
    }

    private static async Task<JsonObject> AccountAsync(RouterUnderTest router)
    {
        var status = (await router.Http.GetFromJsonAsync<JsonObject>("/v0/management/status"))!;
        return status["providers"]!.AsArray().Single(p => (string?)p!["name"] == "openai")!["accounts"]![0]!.AsObject();
    }

    private sealed class ErrorCollector : ReceiveActor
    {
        public ErrorCollector(ConcurrentQueue<string> errors) => Receive<Error>(e => errors.Enqueue(e.Message?.ToString() ?? ""));
    }
}
