using static Router.Tests.Security.SecureRouter;

namespace Router.Tests.Security;

/// <summary>
/// Cross-site requests in the open setup: management, sign-in and the relay refuse every foreign
/// browser origin; inference and model lists refuse them too while no client key is set; health
/// answers (no secrets, and a foreign page cannot read it without CORS).
/// </summary>
public sealed class OriginRuleTests(OpenRouterFixture fixture) : IClassFixture<OpenRouterFixture>
{
    private SecureRouter Secure => fixture.Secure;

    [Theory]
    [MemberData(nameof(Surface.Names), MemberType = typeof(Surface))]
    public async Task A_foreign_origin_is_refused_except_on_health(string name) =>
        await AssertForeignAsync(name, p => p with { Origin = ForeignOrigin });

    [Theory]
    [MemberData(nameof(Surface.Names), MemberType = typeof(Surface))]
    public async Task A_cross_site_request_without_origin_is_refused_except_on_health(string name) =>
        await AssertForeignAsync(name, p => p with { FetchSite = "cross-site" });

    [Theory]
    [MemberData(nameof(Surface.Names), MemberType = typeof(Surface))]
    public async Task The_null_origin_of_sandboxed_pages_is_foreign(string name) =>
        await AssertForeignAsync(name, p => p with { Origin = "null" });

    [Theory]
    [MemberData(nameof(Surface.Names), MemberType = typeof(Surface))]
    public async Task A_dev_server_on_another_local_port_is_foreign(string name) =>
        await AssertForeignAsync(name, p => p with { Origin = "http://localhost:3000", FetchSite = "same-site" });

    [Theory]
    [MemberData(nameof(Surface.Names), MemberType = typeof(Surface))]
    public async Task The_routers_own_origin_is_served(string name)
    {
        var endpoint = Surface.Named(name);
        Surface.AssertServed(await Secure.SendAsync(endpoint.Legit() with { Origin = "http://" + Secure.Authority, FetchSite = "same-origin" }), endpoint);
    }

    [Theory]
    [MemberData(nameof(Surface.Names), MemberType = typeof(Surface))]
    public async Task A_trusted_origin_is_served_with_cors_headers(string name)
    {
        var endpoint = Surface.Named(name);
        var answer = await Secure.SendAsync(endpoint.Legit() with { Origin = TrustedOrigin, FetchSite = "cross-site" });
        Surface.AssertServed(answer, endpoint);
        Assert.Equal(TrustedOrigin, answer.Header("Access-Control-Allow-Origin"));
        Assert.Contains("Origin", answer.Header("Vary") ?? "");
        Assert.Contains("retry-after", answer.Header("Access-Control-Expose-Headers") ?? "", StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("none")]
    [InlineData("same-origin")]
    public async Task A_typed_in_address_or_same_origin_fetch_is_served(string site)
    {
        var answer = await Secure.SendAsync(new Probe(HttpMethod.Get, "/v0/management/status") { FetchSite = site });
        Assert.Equal(200, answer.Status);
    }

    private async Task AssertForeignAsync(string name, Func<Probe, Probe> asForeign)
    {
        var endpoint = Surface.Named(name);
        var answer = await Secure.SendAsync(asForeign(endpoint.Legit()));
        if (endpoint.OriginRule == ForeignOriginRule.Allowed)
        {
            Surface.AssertServed(answer, endpoint);
            Assert.Null(answer.Header("Access-Control-Allow-Origin"));
        }
        else
            Surface.AssertError(answer, endpoint.Shape, 403);
    }
}

/// <summary>With client keys set, a page that holds a key may call inference from anywhere; management and sign-in still refuse it.</summary>
public sealed class KeyedOriginRuleTests : IAsyncLifetime
{
    private const string ClientKey = "sk-client-origin";
    private SecureRouter _secure = null!;

    public async Task InitializeAsync() => _secure = await SecureRouter.StartAsync(s => s with { ApiKeys = [ClientKey] });

    public async Task DisposeAsync() => await _secure.DisposeAsync();

    [Theory]
    [MemberData(nameof(Surface.Names), MemberType = typeof(Surface))]
    public async Task A_foreign_origin_with_the_client_key_reaches_only_inference(string name)
    {
        var endpoint = Surface.Named(name);
        var probe = endpoint.Legit() with { Origin = ForeignOrigin, Headers = new Dictionary<string, string> { ["Authorization"] = "Bearer " + ClientKey } };
        var answer = await _secure.SendAsync(probe);
        if (endpoint.OriginRule == ForeignOriginRule.AlwaysRefused)
            Surface.AssertError(answer, endpoint.Shape, 403);
        else
            Surface.AssertServed(answer, endpoint);
    }

    [Theory]
    [MemberData(nameof(Surface.Names), MemberType = typeof(Surface))]
    public async Task A_foreign_origin_without_the_key_gets_nothing_but_health(string name)
    {
        var endpoint = Surface.Named(name);
        var answer = await _secure.SendAsync(endpoint.Legit() with { Origin = ForeignOrigin });
        switch (endpoint.OriginRule)
        {
            case ForeignOriginRule.AlwaysRefused: Surface.AssertError(answer, endpoint.Shape, 403); break;
            case ForeignOriginRule.RefusedWhenOpen: Surface.AssertError(answer, endpoint.Shape, 401); break;
            default: Surface.AssertServed(answer, endpoint); break;
        }
    }
}
