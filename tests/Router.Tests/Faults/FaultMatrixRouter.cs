using System.Collections.Concurrent;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Router.Actors.Accounts;
using Router.Actors.Configuration;
using Router.Actors.Hosting;
using Router.Tests.Fakes;
using static Router.Tests.Fakes.TestConfig;

namespace Router.Tests.Faults;

/// <summary>
/// One router for the whole fault matrix: each case has its own provider (its own account, so one
/// case's cooldown or health does not leak into the next) and its own model name routed to it,
/// alone or followed by the shared backup. Primary providers time out after 2 s, so hangs are short.
/// Writes the matrix's results to TestResults/fault-matrix.md when done.
/// </summary>
public sealed class FaultMatrixRouter : IAsyncLifetime
{
    public const int PrimaryTimeoutSeconds = 2;

    public FakeUpstream Primary { get; private set; } = null!;
    public FakeUpstream Backup { get; private set; } = null!;
    public FakeClerk SlowClerk { get; private set; } = null!;
    public RouterUnderTest Router { get; private set; } = null!;
    public ConcurrentDictionary<int, (FaultCase Case, Expected Expected, string Got, bool Passed, long Millis)> Results { get; } = new();

    public async Task InitializeAsync()
    {
        Primary = await FakeUpstream.StartAsync();
        Backup = await FakeUpstream.StartAsync();
        SlowClerk = await FakeClerk.StartAsync();
        SlowClerk.Delay = TimeSpan.FromSeconds(PrimaryTimeoutSeconds + 1);
        var closedPort = FreePort();

        var cases = FaultCase.All.ToDictionary(c => c.Model);
        Primary.DefaultReply = (c, body) =>
        {
            var @case = cases[body!["model"]!.GetValue<string>()];
            return @case.PrimaryReply(() => CrashAccount(@case))(c, body);
        };
        Backup.DefaultReply = (c, body) => (body?["stream"]?.GetValue<bool>() == true
            ? AnthropicWire.StreamText(["from ", "backup"])
            : AnthropicWire.Text("from backup"))(c, body);

        var providers = FaultCase.All.Select(c => c switch
        {
            { Fault: Fault.ConnectionRefused } => new ProviderConfig { Name = c.Provider, Type = "openai", BaseUrl = $"http://127.0.0.1:{closedPort}/v1", ApiKeys = [c.Key] },
            { Fault: Fault.TokenServerSlow } => CtoNew(c, SlowClerk.Config(SlowClerk.Cookie)),
            { Fault: Fault.TokenServerDown } => CtoNew(c, new ClerkConfig { TokenUrl = $"http://127.0.0.1:{closedPort}/v1/tokens/create", Cookie = SlowClerk.Cookie }),
            _ => OpenAiProvider(c.Provider, Primary, c.Key),
        } with { Timeout = PrimaryTimeoutSeconds }).Append(AnthropicProvider("backup", Backup, "sk-backup-do-not-leak") with { Timeout = 5 });
        var routes = FaultCase.All.Select(c => c.Backup ? Route($"^{c.Model}$", c.Provider, "backup") : Route($"^{c.Model}$", c.Provider));
        Router = await RouterUnderTest.StartAsync(Build(providers, routes));
        await WakeAccountsAsync();
    }

    /// <summary>
    /// The matrix is about faults, not about a cold start: every account entity has recovered its
    /// state before the first case (64 entities starting at once on a loaded machine take a while).
    /// </summary>
    private Task WakeAccountsAsync()
    {
        var region = AccountRegion();
        return Task.WhenAll(FaultCase.All.Select(c => region.Ask<AccountSnapshot>(new GetAccountStatus(EntityId(c)), TimeSpan.FromSeconds(30))));
    }

    private IActorRef AccountRegion() => ActorRegistry.For(Router.Services.GetRequiredService<ActorSystem>()).Get<AccountRegion>();

    private static string EntityId(FaultCase c) => c.SignsIn
        ? AccountSpec.SignedInEntityId(c.Provider, "sess_test1")
        : new AccountSpec(c.Provider, 1, c.Key, 0, TimeSpan.FromSeconds(30)).EntityId;

    private ProviderConfig CtoNew(FaultCase c, ClerkConfig clerk) =>
        new() { Name = c.Provider, Type = "ctonew", BaseUrl = Primary.BaseUrl, Clerk = clerk };

    /// <summary>Makes the case's account actor throw (a report without an outcome): its supervisor restarts it.</summary>
    private void CrashAccount(FaultCase c) => AccountRegion().Tell(new ReportOutcome(EntityId(c), "crash", null!));

    /// <summary>Calls in flight on every account of a provider, as /v0/management/status shows them.</summary>
    public async Task<int> InFlightAsync(string provider)
    {
        var status = await Router.Http.GetFromJsonAsync<JsonObject>("/v0/management/status");
        var entry = status!["providers"]!.AsArray().OfType<JsonObject>().Single(p => p["name"]!.GetValue<string>() == provider);
        return (entry["accounts"] as JsonArray ?? []).OfType<JsonObject>().Sum(a => a["in_flight"]!.GetValue<int>());
    }

    public async Task DisposeAsync()
    {
        WriteTable();
        await Router.DisposeAsync();
        await Primary.DisposeAsync();
        await Backup.DisposeAsync();
        await SlowClerk.DisposeAsync();
    }

    public string Table()
    {
        var table = new StringBuilder();
        table.AppendLine("| fault | call | backup | expected | client got | checks (status, format, no key, 0 in flight) | ms |");
        table.AppendLine("| --- | --- | --- | --- | --- | --- | --- |");
        foreach (var (c, expected, got, passed, millis) in Results.Values.OrderBy(r => r.Case.Index))
            table.AppendLine($"| {c.Fault} | {(c.Stream ? "stream" : "whole")} | {(c.Backup ? "yes" : "no")} | {expected} | {got} | {(passed ? "pass" : "FAIL")} | {millis} |");
        return table.ToString();
    }

    private void WriteTable()
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "TestResults");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "fault-matrix.md"), "# Fault matrix\n\nOpenAI Chat Completions client; primary `openai` (or `ctonew` for token faults) with a 2 s timeout; backup `anthropic`.\n\n" + Table());
    }
}
