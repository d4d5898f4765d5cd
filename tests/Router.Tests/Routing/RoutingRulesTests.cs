using System.Net.Http.Headers;
using Router.Actors.Accounts;
using Router.Actors.Configuration;
using Router.Actors.Dispatch;
using Router.Actors.Providers;
using Router.Actors.Routing;

namespace Router.Tests.Routing;

/// <summary>The pure rules behind routing: patterns, aliases, account choice, health, failure summaries.</summary>
public sealed class RoutingRulesTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-01-01T00:00:00Z");

    private static RouteTable Table(params (string Pattern, string[] Providers)[] routes) => new(new ModelsConfig
    {
        Routing = routes.Select(r => new RouteConfig(r.Pattern, r.Providers, 0)).ToList(),
        Aliases = new Dictionary<string, string> { ["smart"] = "claude-opus-4", ["gpt-4.1"] = "gpt-4.1-2025-04-14" },
    });

    [Fact]
    public void The_first_matching_pattern_wins()
    {
        var table = Table(("^claude-opus", ["opus-only"]), ("^claude-", ["a", "b"]), (".*", ["catch-all"]));

        Assert.Equal(["opus-only"], table.Resolve("claude-opus-4")!.Value.Providers);
        Assert.Equal(["a", "b"], table.Resolve("claude-sonnet-4")!.Value.Providers);
        Assert.Equal(["catch-all"], table.Resolve("mistral")!.Value.Providers);
    }

    [Fact]
    public void Aliases_apply_before_routing_and_give_the_upstream_name()
    {
        var table = Table(("^claude-opus", ["opus"]), ("^gpt-", ["openai"]));

        var (upstream, providers) = table.Resolve("smart")!.Value;
        Assert.Equal("claude-opus-4", upstream);
        Assert.Equal(["opus"], providers);
        Assert.Equal("gpt-4.1-2025-04-14", table.Resolve("gpt-4.1")!.Value.UpstreamModel);
    }

    [Fact]
    public void An_unmatched_model_has_no_route()
    {
        Assert.Null(Table(("^gpt-", ["openai"])).Resolve("llama-3"));
    }

    [Fact]
    public void A_remembered_answer_ends_with_its_table_on_reload()
    {
        var table = Table(("^gpt-", ["openai"]));
        Assert.Equal(["openai"], table.Resolve("gpt-5")!.Value.Providers);
        Assert.Null(table.Resolve("llama-3"));

        table.Replace(new ModelsConfig { Routing = [new RouteConfig("^gpt-", ["other"], 0), new RouteConfig("^llama-", ["local"], 0)] });

        Assert.Equal(["other"], table.Resolve("gpt-5")!.Value.Providers);
        Assert.Equal(["local"], table.Resolve("llama-3")!.Value.Providers);
    }

    [Fact]
    public void Models_past_the_remembered_bound_still_resolve()
    {
        var table = Table(("^gpt-", ["openai"]));
        for (var i = 0; i < 3000; i++)
            Assert.Equal(i % 2 == 0 ? "openai" : null, table.Resolve(i % 2 == 0 ? $"gpt-{i}" : $"made-up-{i}")?.Providers.Single());
        Assert.Equal("gpt-2998", table.Resolve("gpt-2998")!.Value.UpstreamModel);
        Assert.Null(table.Resolve("made-up-2999"));
    }

    [Theory]
    [InlineData("gpt-4.1", true)]
    [InlineData("meta-llama/Llama-3.3-70B-Instruct", true)]
    [InlineData("models/gemini-2.5-pro", true)]
    [InlineData("claude-3-5-sonnet@20240620", true)]
    [InlineData("../../../etc/passwd", false)]
    [InlineData("a/../b", false)]
    [InlineData("gpt 4", false)]
    [InlineData("model?x=1", false)]
    [InlineData("", false)]
    public void Model_names_that_could_escape_a_url_path_are_refused(string model, bool acceptable)
    {
        Assert.Equal(acceptable, ModelNames.IsAcceptable(model));
    }

    private static AccountSnapshot Account(string id, AccountHealth health = AccountHealth.Healthy, int inFlight = 0, DateTimeOffset? cooldown = null) =>
        new(id, id, health, null, cooldown, inFlight, new());

    [Fact]
    public void Choice_prefers_healthy_then_least_in_flight_then_takes_turns()
    {
        var chooser = new AccountChooser();
        var none = new HashSet<string>();

        Assert.Equal("b", chooser.Choose([Account("a", AccountHealth.Degraded), Account("b", inFlight: 5)], none, Now)!.EntityId);
        Assert.Equal("b", chooser.Choose([Account("a", inFlight: 3), Account("b", inFlight: 1)], none, Now)!.EntityId);

        var tied = new[] { Account("x"), Account("y"), Account("z") };
        var picks = Enumerable.Range(0, 6).Select(_ => chooser.Choose(tied, none, Now)!.EntityId).ToList();
        Assert.Equal(3, picks.Take(3).Distinct().Count());
        Assert.Equal(picks.Take(3), picks.Skip(3));
    }

    [Fact]
    public void Choice_skips_excluded_cooling_and_unauthenticated_accounts()
    {
        var chooser = new AccountChooser();
        AccountSnapshot[] accounts =
        [
            Account("cool", cooldown: Now.AddSeconds(10)),
            Account("bad", AccountHealth.Unauthenticated),
            Account("tried"),
            Account("ok", AccountHealth.Degraded, inFlight: 9),
        ];

        Assert.Equal("ok", chooser.Choose(accounts, new HashSet<string> { "tried" }, Now)!.EntityId);
        Assert.Null(chooser.Choose(accounts, new HashSet<string> { "tried", "ok" }, Now));
        Assert.Equal("cool", chooser.Choose([Account("cool", cooldown: Now.AddSeconds(-1))], new HashSet<string>(), Now)!.EntityId);
    }

    [Fact]
    public void Provider_health_summarises_its_accounts()
    {
        Assert.Equal("healthy", ProviderHealth.Of([Account("a", AccountHealth.Degraded), Account("b")], Now));
        Assert.Equal("degraded", ProviderHealth.Of([Account("a", AccountHealth.Degraded), Account("b", cooldown: Now.AddSeconds(5))], Now));
        Assert.Equal("unauthenticated", ProviderHealth.Of([Account("a", AccountHealth.Unauthenticated)], Now));
        Assert.Equal("degraded", ProviderHealth.Of([Account("a", AccountHealth.Unauthenticated), Account("b", cooldown: Now.AddSeconds(5))], Now));
        Assert.Equal("down", ProviderHealth.Of([], Now));
    }

    [Fact]
    public void Failures_become_one_error_with_the_fitting_status()
    {
        var rateLimited = FailureSummary.ToAnswer("m", [new("p#1", FailureKind.RateLimited, "429", Now.AddSeconds(20)), new("q#1", FailureKind.RateLimited, "429", Now.AddSeconds(7))], Now);
        Assert.Equal(429, rateLimited.Error.Status);
        Assert.Equal(TimeSpan.FromSeconds(7), rateLimited.RetryAfter);

        Assert.Equal(502, FailureSummary.ToAnswer("m", [new("p#1", FailureKind.RateLimited, "429"), new("q#1", FailureKind.Status, "HTTP 500")], Now).Error.Status);
        Assert.Equal(504, FailureSummary.ToAnswer("m", [new("p#1", FailureKind.Status, "HTTP 500"), new("q#1", FailureKind.Timeout, "slow")], Now).Error.Status);
        Assert.Equal(503, FailureSummary.ToAnswer("m", [new("p", FailureKind.Unauthenticated, "refused")], Now).Error.Status);
        Assert.Equal(503, FailureSummary.ToAnswer("m", [], Now).Error.Status);
        Assert.Contains("p#1: HTTP 500", FailureSummary.ToAnswer("m", [new("p#1", FailureKind.Status, "HTTP 500")], Now).Error.Message);
    }

    [Fact]
    public void Upstream_statuses_map_to_account_outcomes()
    {
        var headers = new HttpResponseMessage().Headers;
        headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(12));

        Assert.Equal(OutcomeKind.Unauthorized, UpstreamStatus.Classify(401, headers, Now).Kind);
        Assert.Equal(OutcomeKind.Unauthorized, UpstreamStatus.Classify(403, headers, Now).Kind);
        Assert.Equal(TimeSpan.FromSeconds(12), UpstreamStatus.Classify(429, headers, Now).RetryAfter);
        Assert.Equal(OutcomeKind.Transient, UpstreamStatus.Classify(529, headers, Now).Kind);
        Assert.Equal(OutcomeKind.Transient, UpstreamStatus.Classify(408, headers, Now).Kind);
        Assert.Equal(OutcomeKind.ClientError, UpstreamStatus.Classify(400, headers, Now).Kind);

        var dated = new HttpResponseMessage().Headers;
        dated.RetryAfter = new RetryConditionHeaderValue(Now.AddSeconds(30));
        Assert.Equal(TimeSpan.FromSeconds(30), UpstreamStatus.RetryAfter(dated, Now));
        dated.Add("retry-after-ms", "1500");
        Assert.Equal(TimeSpan.FromMilliseconds(1500), UpstreamStatus.RetryAfter(dated, Now));
    }
}
