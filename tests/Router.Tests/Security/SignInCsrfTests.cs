using System.Net;
using System.Text.Json.Nodes;
using Router.Tests.SignIn;
using static Router.Tests.Security.SecureRouter;

namespace Router.Tests.Security;

/// <summary>
/// A web page the user visits tries to plant its own ctonew session, sign accounts out or spend
/// the user's subscriptions on a router in the open default setup. None of it changes state;
/// the same requests made the legitimate way do.
/// </summary>
public sealed class SignInCsrfTests
{
    public static IEnumerable<object[]> PlantingAttempts =>
    [
        ["text/plain from a foreign origin", Plant(p => p with { ContentType = "text/plain", Origin = ForeignOrigin }), 403],
        ["form post from a foreign origin", Plant(p => p with { ContentType = "application/x-www-form-urlencoded", Body = "clerk_jwt_cookie=x", Origin = ForeignOrigin }), 403],
        ["json from a foreign origin", Plant(p => p with { Origin = ForeignOrigin }), 403],
        ["text/plain with Sec-Fetch-Site cross-site, no Origin", Plant(p => p with { ContentType = "text/plain", FetchSite = "cross-site" }), 403],
        ["text/plain without Origin or Sec-Fetch-Site (old browser)", Plant(p => p with { ContentType = "text/plain" }), 415],
        ["multipart without Origin", Plant(p => p with { ContentType = "multipart/form-data; boundary=x" }), 415],
        ["DNS rebinding: json on the page's own origin", Plant(p => p with { Host = "evil.example", Origin = "http://evil.example" }), 421],
    ];

    private static Func<SecureRouter, Probe> Plant(Func<Probe, Probe> attack) =>
        secure => attack(new Probe(HttpMethod.Post, "/v1/auth/ctonew", secure.StoreSessionBody));

    [Theory]
    [MemberData(nameof(PlantingAttempts))]
    public async Task A_planted_session_is_refused_and_nothing_is_stored(string attack, Func<SecureRouter, Probe> probe, int expected)
    {
        await using var secure = await SecureRouter.StartAsync();

        var answer = await secure.SendAsync(probe(secure));

        Assert.True(answer.Status == expected, $"{attack}: {answer}");
        Assert.DoesNotContain("stored", answer.Body);
        Assert.Equal(0, await secure.CtoNewSessionsAsync());
        Assert.Equal(0, secure.Clerk.Exchanges);
    }

    [Fact]
    public async Task The_legitimate_request_and_a_trusted_origin_do_store_a_session()
    {
        await using var secure = await SecureRouter.StartAsync();

        var answer = await secure.SendAsync(new Probe(HttpMethod.Post, "/v1/auth/ctonew", secure.StoreSessionBody) { Origin = TrustedOrigin });

        Assert.True(answer.Status == 200, answer.ToString());
        Assert.Equal("stored", answer.Json!["status"]!.GetValue<string>());
        Assert.Equal(1, await secure.CtoNewSessionsAsync());
    }

    [Fact]
    public async Task A_foreign_page_cannot_sign_the_ctonew_session_out()
    {
        await using var secure = await SecureRouter.StartAsync();
        Assert.Equal(200, (await secure.SendAsync(new Probe(HttpMethod.Post, "/v1/auth/ctonew", secure.StoreSessionBody))).Status);

        var signOut = new Probe(HttpMethod.Delete, "/v1/auth/ctonew", null, null);
        Assert.Equal(403, (await secure.SendAsync(signOut with { Origin = ForeignOrigin })).Status);
        Assert.Equal(403, (await secure.SendAsync(signOut with { FetchSite = "cross-site" })).Status);
        Assert.Equal(421, (await secure.SendAsync(signOut with { Host = "evil.example", Origin = "http://evil.example" })).Status);
        Assert.Equal(415, (await secure.SendAsync(signOut with { Body = "", ContentType = "text/plain" })).Status);
        Assert.Equal(1, await secure.CtoNewSessionsAsync());

        Assert.Equal(200, (await secure.SendAsync(signOut)).Status);
        Assert.Equal(0, await secure.CtoNewSessionsAsync());
    }

    [Fact]
    public async Task A_foreign_page_cannot_spend_the_subscription()
    {
        await using var secure = await SecureRouter.StartAsync();
        const string chat = """{"model":"echo-1","messages":[{"role":"user","content":"spend"}]}""";
        var spend = new Probe(HttpMethod.Post, "/v1/chat/completions", chat, "text/plain");

        Assert.Equal(403, (await secure.SendAsync(spend with { Origin = ForeignOrigin })).Status);
        Assert.Equal(403, (await secure.SendAsync(spend with { FetchSite = "cross-site" })).Status);
        Assert.Equal(415, (await secure.SendAsync(spend)).Status);
        Assert.Equal(421, (await secure.SendAsync(spend with { Host = "evil.example", ContentType = "application/json" })).Status);
        Assert.Equal(200, (await secure.SendAsync(spend with { ContentType = "application/json" })).Status);
    }

    [Fact]
    public async Task A_foreign_page_cannot_sign_an_oauth_account_out_and_the_vendor_redirect_still_signs_in()
    {
        await using var harness = await LlmuxHarness.StartAsync();
        var router = harness.Router;
        var authority = new Uri(router.BaseUrl).Authority;

        // The vendor's redirect to /callback is a cross-site top-level navigation, as a real browser sends it.
        var redirect = await LlmuxHarness.Browser.GetAsync(await harness.LoginUrlAsync("claude"));
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        using var callback = new HttpRequestMessage(HttpMethod.Get, redirect.Headers.Location);
        callback.Headers.TryAddWithoutValidation("Sec-Fetch-Site", "cross-site");
        callback.Headers.TryAddWithoutValidation("Sec-Fetch-Mode", "navigate");
        callback.Headers.TryAddWithoutValidation("Accept", "text/html");
        Assert.Equal(HttpStatusCode.OK, (await LlmuxHarness.Browser.SendAsync(callback)).StatusCode);
        Assert.Single((await harness.StatusAsync("claude"))["accounts"]!.AsArray());

        var signOut = new Probe(HttpMethod.Delete, "/v1/auth/llmux/claude", null, null);
        foreach (var attack in new[] { signOut with { Origin = ForeignOrigin }, signOut with { FetchSite = "cross-site" }, signOut with { Host = "evil.example" } })
        {
            using var request = attack.ToRequest(authority);
            var answer = await Answer.ReadAsync(await router.Http.SendAsync(request));
            Assert.True(answer.Status is 403 or 421, answer.ToString());
        }
        Assert.Single((await harness.StatusAsync("claude"))["accounts"]!.AsArray());
    }
}
