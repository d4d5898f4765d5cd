namespace Router.Tests.Security;

/// <summary>
/// Bodies that change state must be JSON: the three types a page may send cross-site without a
/// preflight (text/plain, form posts, multipart) are refused with 415 in the caller's format.
/// </summary>
public sealed class JsonBodyRuleTests(OpenRouterFixture fixture) : IClassFixture<OpenRouterFixture>
{
    private SecureRouter Secure => fixture.Secure;

    [Theory]
    [MemberData(nameof(Surface.WithBody), MemberType = typeof(Surface))]
    public async Task Simple_request_types_get_415(string name)
    {
        var endpoint = Surface.Named(name);
        foreach (var type in new[] { "text/plain", "text/plain; charset=utf-8", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/jsonx" })
            Surface.AssertError(await Secure.SendAsync(endpoint.Legit() with { ContentType = type }), endpoint.Shape, 415);
    }

    [Theory]
    [MemberData(nameof(Surface.WithBody), MemberType = typeof(Surface))]
    public async Task A_body_without_a_type_gets_415(string name)
    {
        var endpoint = Surface.Named(name);
        Surface.AssertError(await Secure.SendAsync(endpoint.Legit() with { ContentType = null }), endpoint.Shape, 415);
    }

    [Theory]
    [MemberData(nameof(Surface.WithBody), MemberType = typeof(Surface))]
    public async Task Json_with_parameters_is_served(string name)
    {
        var endpoint = Surface.Named(name);
        Surface.AssertServed(await Secure.SendAsync(endpoint.Legit() with { ContentType = "Application/JSON; charset=utf-8" }), endpoint);
    }

    [Fact]
    public async Task A_delete_with_a_text_body_gets_415_and_one_without_a_body_needs_no_type()
    {
        Surface.AssertError(await Secure.SendAsync(new Probe(HttpMethod.Delete, "/v1/auth/ctonew", "x", "text/plain")), ErrorShape.OpenAi, 415);
        Assert.Equal(200, (await Secure.SendAsync(new Probe(HttpMethod.Delete, "/v1/auth/ctonew", null, null))).Status);
    }

    [Fact]
    public async Task An_empty_post_declared_as_text_gets_415()
    {
        var answer = await Secure.SendAsync(new Probe(HttpMethod.Post, "/v0/management/services/echo/restart", "", "text/plain"));
        Surface.AssertError(answer, ErrorShape.OpenAi, 415);
    }

    [Fact]
    public async Task A_foreign_origin_is_refused_before_its_body_type_is_looked_at()
    {
        var answer = await Secure.SendAsync(Surface.Named("chat").Legit() with { ContentType = "text/plain", Origin = SecureRouter.ForeignOrigin });
        Surface.AssertError(answer, ErrorShape.OpenAi, 403);
    }
}
