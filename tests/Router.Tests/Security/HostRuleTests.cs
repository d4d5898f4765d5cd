using static Router.Tests.Security.SecureRouter;

namespace Router.Tests.Security;

/// <summary>DNS rebinding: every endpoint answers only to Host names the router knows as its own.</summary>
public sealed class HostRuleTests(OpenRouterFixture fixture) : IClassFixture<OpenRouterFixture>
{
    private SecureRouter Secure => fixture.Secure;

    [Theory]
    [MemberData(nameof(Surface.Names), MemberType = typeof(Surface))]
    public async Task A_legitimate_request_to_the_routers_own_address_is_served(string name)
    {
        var endpoint = Surface.Named(name);
        Surface.AssertServed(await Secure.SendAsync(endpoint.Legit()), endpoint);
    }

    [Theory]
    [MemberData(nameof(Surface.Names), MemberType = typeof(Surface))]
    public async Task A_foreign_host_gets_421_in_the_callers_format(string name)
    {
        var endpoint = Surface.Named(name);
        var answer = await Secure.SendAsync(endpoint.Legit() with { Host = $"{ForeignHost}:{Secure.Port}" });
        Surface.AssertError(answer, endpoint.Shape, 421);
    }

    [Theory]
    [MemberData(nameof(Surface.Names), MemberType = typeof(Surface))]
    public async Task A_rebound_page_on_its_own_origin_gets_421(string name)
    {
        var endpoint = Surface.Named(name);
        var rebound = $"{ForeignHost}:{Secure.Port}";
        var answer = await Secure.SendAsync(endpoint.Legit() with { Host = rebound, Origin = "http://" + rebound, FetchSite = "same-origin" });
        Surface.AssertError(answer, endpoint.Shape, 421);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("LOCALHOST:1234")]
    [InlineData("localhost.")]
    [InlineData("app.localhost:9")]
    [InlineData("127.0.0.1")]
    [InlineData("[::1]:8317")]
    [InlineData("192.168.1.20:8317")]
    [InlineData("router.lan")]
    [InlineData("router.lan:9999")]
    [InlineData("pinned.lan:1")]
    [InlineData("corp.example")]
    [InlineData("build.corp.example:80")]
    public async Task Loopback_names_IP_addresses_and_allowed_hosts_are_served(string host)
    {
        var answer = await Secure.SendAsync(new Probe(HttpMethod.Get, "/v0/management/status") { Host = host });
        Assert.True(answer.Status == 200, answer.ToString());
    }

    [Theory]
    [InlineData("evil.example")]
    [InlineData("pinned.lan:2")]
    [InlineData("pinned.lan")]
    [InlineData("localhost.evil.example")]
    [InlineData("127.0.0.1.nip.io")]
    [InlineData("0x7f.1")]
    [InlineData("evilcorp.example")]
    [InlineData("corp.example.evil")]
    [InlineData("router.lan.evil")]
    public async Task Other_names_get_421(string host)
    {
        var answer = await Secure.SendAsync(new Probe(HttpMethod.Get, "/v0/management/status") { Host = host });
        Surface.AssertError(answer, ErrorShape.OpenAi, 421);
    }
}
