using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Router.Actors.Configuration;
using Router.Tests.Fakes;
using Router.Tests.Integration;
using static Router.Tests.Fakes.TestConfig;

namespace Router.Tests.Observability;

/// <summary>
/// Usage per client key name, provider, account, model and day: counted through a fake upstream with
/// known token counts, stored in the router's database, still there after a restart on the same
/// auth.dir, and served as JSON or CSV by GET /v0/management/usage.
/// </summary>
public sealed class UsageTests
{
    private const string ManagementKey = "mk-usage-test";
    private const string Alpha = "sk-alpha-usage";
    private const string Beta = "sk-beta-usage";

    private static async Task SendAsync(RouterUnderTest router, string key, string model, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json.Body(model) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var response = await router.Http.SendAsync(request);
        Assert.Equal(expected, response.StatusCode);
    }

    private static async Task<HttpResponseMessage> UsageAsync(RouterUnderTest router, string query, bool withKey = true)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/v0/management/usage" + query);
        if (withKey) request.Headers.Add("X-Management-Key", ManagementKey);
        return await router.Http.SendAsync(request);
    }

    private static async Task<JsonObject> UsageJsonAsync(RouterUnderTest router, string query)
    {
        using var response = await UsageAsync(router, query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }

    private static JsonObject RowOf(JsonObject report, string dimension, string value) =>
        report["rows"]!.AsArray().Select(r => r!.AsObject()).Single(r => r[dimension]!.GetValue<string>() == value);

    private static long N(JsonObject row, string measure) => row[measure]!.GetValue<long>();

    [Fact]
    public async Task Usage_is_kept_per_key_survives_a_restart_and_is_grouped_by_each_dimension()
    {
        await using var fake = await FakeUpstream.StartAsync();
        fake.DefaultReply = OpenAiWire.Text("hi", promptTokens: 100, completionTokens: 7, cachedTokens: 40);
        var config = Build([OpenAiProvider("main", fake, "sk-upstream")], [Route("^gpt-", "main")], clientKeys: [Alpha, Beta]);
        config = config with { Server = config.Server with { ManagementKey = ManagementKey } };
        var alpha = ClientKeyName.Derive(Alpha);
        var beta = ClientKeyName.Derive(Beta);

        await using (var first = await RouterUnderTest.StartAsync(config))
        {
            await SendAsync(first, Alpha, "gpt-4.1", HttpStatusCode.OK);
            await SendAsync(first, Alpha, "gpt-4.1", HttpStatusCode.OK);
            await SendAsync(first, Beta, "gpt-4.1-mini", HttpStatusCode.OK);
            fake.Then(OpenAiWire.ServerError);
            await SendAsync(first, Alpha, "gpt-4.1", HttpStatusCode.BadGateway);
        } // stopped without a usage query: only the ledger's own writes (periodic, at stop) stored it

        await using var second = await RouterUnderTest.StartAsync(config);
        var byKey = await UsageJsonAsync(second, "?group_by=key");
        Assert.Equal(["key"], byKey["group_by"]!.AsArray().Select(d => d!.GetValue<string>()));
        var alphaRow = RowOf(byKey, "key", alpha);
        Assert.Equal((3, 200, 14, 80, 1), (N(alphaRow, "requests"), N(alphaRow, "input_tokens"), N(alphaRow, "output_tokens"), N(alphaRow, "cached_tokens"), N(alphaRow, "errors")));
        var betaRow = RowOf(byKey, "key", beta);
        Assert.Equal((1, 100, 7, 0), (N(betaRow, "requests"), N(betaRow, "input_tokens"), N(betaRow, "output_tokens"), N(betaRow, "errors")));
        Assert.Equal(4, N(byKey["total"]!.AsObject(), "requests"));

        // The restarted router adds to what is stored.
        await SendAsync(second, Beta, "gpt-4.1-mini", HttpStatusCode.OK);
        var byModel = await UsageJsonAsync(second, "?group_by=model");
        Assert.Equal(3, N(RowOf(byModel, "model", "gpt-4.1"), "requests"));
        Assert.Equal(2, N(RowOf(byModel, "model", "gpt-4.1-mini"), "requests"));

        // The 502 was answered by no provider: it is kept under "none".
        var byProvider = await UsageJsonAsync(second, "?group_by=provider");
        Assert.Equal((4, 400, 0), (N(RowOf(byProvider, "provider", "main"), "requests"), N(RowOf(byProvider, "provider", "main"), "input_tokens"), N(RowOf(byProvider, "provider", "main"), "errors")));
        Assert.Equal((1, 1), (N(RowOf(byProvider, "provider", "none"), "requests"), N(RowOf(byProvider, "provider", "none"), "errors")));
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd");
        var byDay = await UsageJsonAsync(second, $"?from={today}&to={today}&group_by=day");
        Assert.Equal(5, N(RowOf(byDay, "day", today), "requests"));
        var full = await UsageJsonAsync(second, "");
        var row = full["rows"]!.AsArray().Select(r => r!.AsObject()).Single(r => r["key"]!.GetValue<string>() == beta);
        Assert.Equal(("main", "main#1", "gpt-4.1-mini", today), (row["provider"]!.GetValue<string>(), row["account"]!.GetValue<string>(), row["model"]!.GetValue<string>(), row["day"]!.GetValue<string>()));

        var earlier = DateTime.UtcNow.AddDays(-3).ToString("yyyy-MM-dd");
        Assert.Empty((await UsageJsonAsync(second, $"?from={earlier}&to={earlier}"))["rows"]!.AsArray());

        var all = await (await UsageAsync(second, "")).Content.ReadAsStringAsync();
        Assert.DoesNotContain(Alpha, all);
        Assert.DoesNotContain("sk-upstream", all);
    }

    [Fact]
    public async Task Usage_exports_as_csv()
    {
        await using var fake = await FakeUpstream.StartAsync();
        fake.DefaultReply = OpenAiWire.Text("hi", promptTokens: 12, completionTokens: 3);
        var config = Build([OpenAiProvider("main", fake, "sk-upstream")], [Route("^gpt-", "main")], clientKeys: [Alpha]);
        config = config with { Server = config.Server with { ManagementKey = ManagementKey } };
        await using var router = await RouterUnderTest.StartAsync(config);
        await SendAsync(router, Alpha, "gpt-4.1", HttpStatusCode.OK);

        using var response = await UsageAsync(router, "?group_by=key,model&format=csv");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["key,model,requests,input_tokens,output_tokens,cached_tokens,errors", $"{ClientKeyName.Derive(Alpha)},gpt-4.1,1,12,3,0,0"], lines);
    }

    [Theory]
    [InlineData("?from=yesterday")]
    [InlineData("?to=2026-13-01")]
    [InlineData("?from=2026-02-02&to=2026-02-01")]
    [InlineData("?group_by=colour")]
    [InlineData("?group_by=key,nope")]
    [InlineData("?format=xml")]
    [InlineData("?since=2026-01-01")]
    public async Task A_bad_query_is_a_400_that_says_why(string query)
    {
        await using var fake = await FakeUpstream.StartAsync();
        var config = Build([OpenAiProvider("main", fake, "sk-upstream")], [Route("^gpt-", "main")]);
        await using var router = await RouterUnderTest.StartAsync(config with { Server = config.Server with { ManagementKey = ManagementKey } });

        using var response = await UsageAsync(router, query);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var message = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!["message"]!.GetValue<string>();
        Assert.False(string.IsNullOrWhiteSpace(message));
        using var unauthorized = await UsageAsync(router, "", withKey: false);
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
    }
}
