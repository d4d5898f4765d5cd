using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Event;
using Router.Actors.Accounts;
using Router.Tests.Fakes;

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
                GoldenRows.SetPayload(row, Encoding.UTF8.GetBytes("{\"$type\":\"Router.Actors.Accounts.Cooldown\u0000garbage"));
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
        }, "the account reports itself failed", 15_000);
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

    private sealed class ErrorCollector : ReceiveActor
    {
        public ErrorCollector(ConcurrentQueue<string> errors) => Receive<Error>(e => errors.Enqueue(e.Message?.ToString() ?? ""));
    }
}
