using static Router.Tests.Security.SecureRouter;

namespace Router.Tests.Security;

/// <summary>Preflights: answered for server.cors_origins, refused (403) for everyone else.</summary>
public sealed class CorsTests(OpenRouterFixture fixture) : IClassFixture<OpenRouterFixture>
{
    private static readonly string[] SdkHeaders =
        ["authorization", "content-type", "x-api-key", "anthropic-version", "anthropic-beta", "x-goog-api-key", "x-management-key", "x-stainless-os"];

    private SecureRouter Secure => fixture.Secure;

    private static Probe Preflight(string path, string origin, string method = "POST") => new(HttpMethod.Options, path, null, null)
    {
        Origin = origin,
        FetchSite = "cross-site",
        Headers = new Dictionary<string, string>
        {
            ["Access-Control-Request-Method"] = method,
            ["Access-Control-Request-Headers"] = string.Join(",", SdkHeaders),
        },
    };

    [Theory]
    [InlineData("/v1/chat/completions", "POST")]
    [InlineData("/v1/messages", "POST")]
    [InlineData("/v1beta/models/echo-1:streamGenerateContent", "POST")]
    [InlineData("/v1/models", "GET")]
    [InlineData("/v0/management/status", "GET")]
    [InlineData("/v1/auth/ctonew", "DELETE")]
    public async Task A_trusted_origin_gets_a_full_preflight_answer(string path, string method)
    {
        var answer = await Secure.SendAsync(Preflight(path, TrustedOrigin, method));

        Assert.Equal(204, answer.Status);
        Assert.Equal(TrustedOrigin, answer.Header("Access-Control-Allow-Origin"));
        Assert.Contains(method, answer.Header("Access-Control-Allow-Methods"));
        var allowedHeaders = answer.Header("Access-Control-Allow-Headers")!.ToLowerInvariant();
        foreach (var header in SdkHeaders)
            Assert.Contains(header, allowedHeaders);
        Assert.Contains("Origin", answer.Header("Vary"));
        Assert.Equal("600", answer.Header("Access-Control-Max-Age"));
        Assert.Null(answer.Header("Access-Control-Allow-Credentials"));
    }

    [Theory]
    [InlineData("/v1/chat/completions", ForeignOrigin)]
    [InlineData("/v1/messages", ForeignOrigin)]
    [InlineData("/v1/health", ForeignOrigin)]
    [InlineData("/v0/management/status", ForeignOrigin)]
    [InlineData("/v1/auth/ctonew", ForeignOrigin)]
    [InlineData("/v1/ws", ForeignOrigin)]
    [InlineData("/v1/chat/completions", "null")]
    [InlineData("/v1/chat/completions", "https://console.example.evil.example")]
    [InlineData("/v1/chat/completions", "http://console.example")]
    public async Task Any_other_origin_gets_403_and_no_cors_headers(string path, string origin)
    {
        var answer = await Secure.SendAsync(Preflight(path, origin));

        Assert.Equal(403, answer.Status);
        Assert.Null(answer.Header("Access-Control-Allow-Origin"));
        Assert.Null(answer.Header("Access-Control-Allow-Methods"));
    }

    [Fact]
    public async Task A_trusted_page_can_read_an_error_answer()
    {
        var answer = await Secure.SendAsync(Surface.Named("messages").Legit() with { ContentType = "text/plain", Origin = TrustedOrigin });

        Surface.AssertError(answer, ErrorShape.Anthropic, 415);
        Assert.Equal(TrustedOrigin, answer.Header("Access-Control-Allow-Origin"));
    }
}
