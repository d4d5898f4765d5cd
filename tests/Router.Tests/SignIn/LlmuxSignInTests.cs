using System.Net;
using System.Text.Json.Nodes;
using Router.Tests.Fakes;

namespace Router.Tests.SignIn;

/// <summary>LLMux (claude-oauth, chatgpt-oauth): sign-in, tokens owned by account actors, renewal, failover.</summary>
public sealed class LlmuxSignInTests
{
    [Fact]
    public async Task Claude_sign_in_from_login_through_authorize_to_callback_then_requests_carry_the_token()
    {
        await using var h = await LlmuxHarness.StartAsync();
        Assert.Equal("unauthenticated", await h.Router.ProviderHealthAsync("claude-pro"));

        var callback = await h.SignInAsync("claude", "alice@example.com");
        Assert.Equal(HttpStatusCode.OK, callback.StatusCode);
        Assert.Contains("alice@example.com", h.Answers[^1]);

        var (status, body) = await h.ChatAsync("claude-sonnet-4-5");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("hello from claude", body);
        var sent = h.Claude.LastRequest;
        Assert.Equal("/v1/messages", sent.Path);
        Assert.StartsWith("Bearer at-", sent.Headers["authorization"]);
        Assert.Equal("oauth-2025-04-20", sent.Headers["anthropic-beta"]);
        Assert.False(sent.Headers.ContainsKey("x-api-key"));

        var accounts = (await h.StatusAsync("claude"))["accounts"]!.AsArray();
        var account = Assert.Single(accounts)!;
        Assert.Equal("alice@example.com", account["email"]!.GetValue<string>());
        Assert.Equal("healthy", account["health"]!.GetValue<string>());
        Assert.NotNull(account["expires_at"]);
        Assert.Equal("healthy", await h.Router.ProviderHealthAsync("claude-pro"));
        h.AssertNoSecretLeaked();
    }

    [Fact]
    public async Task ChatGpt_sign_in_then_an_Anthropic_client_streams_through_the_Responses_upstream_with_the_account_header()
    {
        await using var h = await LlmuxHarness.StartAsync();
        h.ChatGpt.DefaultReply = ResponsesWire.StreamText(["Hello", " from", " chatgpt"]);
        Assert.Equal(HttpStatusCode.OK, (await h.SignInAsync("chatgpt", "bob@example.com")).StatusCode);

        var request = Integration.Json.Raw("""{"model":"gpt-5","max_tokens":100,"stream":true,"messages":[{"role":"user","content":"Hi"}]}""");
        var response = await h.Router.Http.PostAsync("/v1/messages", request);
        var stream = await response.Content.ReadAsStringAsync();
        h.Answers.Add(stream);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("event: message_start", stream);
        Assert.Contains("from", stream);
        Assert.Contains("event: message_stop", stream);

        var sent = h.ChatGpt.LastRequest;
        Assert.Equal("/backend/responses", sent.Path);
        Assert.StartsWith("Bearer at-", sent.Headers["authorization"]);
        Assert.Equal(h.OAuth.AccountId, sent.Headers["chatgpt-account-id"]);
        Assert.True(sent.Body!["stream"]!.GetValue<bool>());
        h.AssertNoSecretLeaked();
    }

    [Fact]
    public async Task A_wrong_state_a_reused_code_and_a_bad_verifier_are_refused_with_a_clear_error()
    {
        await using var h = await LlmuxHarness.StartAsync();
        var callbackPath = "/v1/auth/llmux/claude/callback";

        var wrongState = await h.Router.Http.GetAsync(callbackPath + "?code=whatever&state=not-a-state");
        Assert.Equal(HttpStatusCode.BadRequest, wrongState.StatusCode);
        Assert.Contains("state", await wrongState.Content.ReadAsStringAsync());

        // Two sign-ins started; the vendor redirects the first one back with its code.
        var first = await h.LoginUrlAsync("claude");
        var second = await h.LoginUrlAsync("claude");
        var firstRedirect = (await LlmuxHarness.Browser.GetAsync(first)).Headers.Location!;
        var code = QueryValue(firstRedirect, "code");
        var secondState = QueryValue(new Uri(second), "state");

        // The first code presented with the second sign-in's state: its verifier does not match the challenge.
        var badVerifier = await h.Router.Http.GetAsync($"{callbackPath}?code={Uri.EscapeDataString(code)}&state={Uri.EscapeDataString(secondState)}");
        var badVerifierBody = await badVerifier.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, badVerifier.StatusCode);
        Assert.Contains("PKCE verification failed", badVerifierBody);

        // The vendor burnt that code; presenting it again on its own state is a reused code.
        var reused = await LlmuxHarness.Browser.GetAsync(firstRedirect);
        var reusedBody = await reused.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, reused.StatusCode);
        Assert.Contains("unknown, used or expired", reusedBody);

        // And a state works once only.
        var again = await LlmuxHarness.Browser.GetAsync(firstRedirect);
        Assert.Contains("already used", await again.Content.ReadAsStringAsync());
        Assert.Empty((await h.StatusAsync("claude"))["accounts"]!.AsArray());
        h.Answers.AddRange([badVerifierBody, reusedBody]);
        h.AssertNoSecretLeaked();
    }

    [Fact]
    public async Task The_timer_renews_a_token_before_it_expires()
    {
        await using var h = await LlmuxHarness.StartAsync();
        h.OAuth.NextExpiresIn = 2; // the margin becomes half the lifetime: renewal after about a second
        await h.SignInAsync("claude");

        await RouterUnderTest.EventuallyAsync(() => Task.FromResult(h.OAuth.RefreshCalls >= 1), "a renewal by timer", 5000);
        await Task.Delay(1500); // the first token has expired by now
        var (status, _) = await h.ChatAsync("claude-sonnet-4-5");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(1, h.OAuth.RefreshCalls);
        h.AssertNoSecretLeaked();
    }

    [Fact]
    public async Task A_401_renews_the_token_and_the_request_is_retried_once()
    {
        await using var h = await LlmuxHarness.StartAsync();
        await h.SignInAsync("claude");
        h.OAuth.RevokeAccessTokens(); // the vendor forgets the token before it expires

        var (status, body) = await h.ChatAsync("claude-sonnet-4-5");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("hello from claude", body);
        Assert.Equal(1, h.OAuth.RefreshCalls);
        Assert.Empty(h.Backup.Requests);
        Assert.Equal(2, h.Claude.Requests.Count);
        h.AssertNoSecretLeaked();
    }

    [Fact]
    public async Task Fifty_concurrent_requests_across_an_expiry_make_exactly_one_refresh_call()
    {
        await using var h = await LlmuxHarness.StartAsync();
        h.OAuth.NextExpiresIn = 1;
        await h.SignInAsync("claude");
        h.OAuth.RefreshDelay = TimeSpan.FromMilliseconds(300);

        // Requests spread over the old token's last moments, its renewal, and after.
        var requests = Enumerable.Range(0, 50).Select(async i =>
        {
            await Task.Delay(i * 25);
            return await h.ChatAsync("claude-sonnet-4-5");
        });
        var results = await Task.WhenAll(requests);

        Assert.All(results, r => Assert.Equal(HttpStatusCode.OK, r.Status));
        Assert.Equal(1, h.OAuth.RefreshCalls);
        Assert.Empty(h.Backup.Requests);
        h.AssertNoSecretLeaked();
    }

    [Fact]
    public async Task A_restart_keeps_every_account_signed_in_and_token_files_are_owner_only()
    {
        await using var h = await LlmuxHarness.StartAsync();
        await h.SignInAsync("claude", "alice@example.com");
        await h.SignInAsync("claude", "carol@example.com");
        await h.SignInAsync("chatgpt", "bob@example.com");

        foreach (var file in new[] { "llmux-claude-alice@example.com.json", "llmux-claude-carol@example.com.json", "llmux-chatgpt-bob@example.com.json" })
        {
            var path = Path.Combine(h.Config.Auth.Dir, file);
            Assert.True(File.Exists(path), file);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            Assert.NotNull(JsonNode.Parse(File.ReadAllText(path))!["refresh_token"]);
        }

        await h.RestartRouterAsync();
        var emails = (await h.StatusAsync("claude"))["accounts"]!.AsArray().Select(a => a!["email"]!.GetValue<string>()).Order().ToList();
        Assert.Equal(["alice@example.com", "carol@example.com"], emails);
        Assert.Equal(HttpStatusCode.OK, (await h.ChatAsync("claude-sonnet-4-5")).Status);
        Assert.Equal(HttpStatusCode.OK, (await h.ChatAsync("gpt-5")).Status);
        Assert.Equal(3, h.OAuth.CodeExchanges);
        Assert.Equal(0, h.OAuth.RefreshCalls);
        Assert.Empty(h.Backup.Requests);
        h.AssertNoSecretLeaked();
    }

    [Fact]
    public async Task Two_accounts_share_the_load_and_signing_one_out_removes_it_and_its_file()
    {
        await using var h = await LlmuxHarness.StartAsync();
        await h.SignInAsync("claude", "alice@example.com");
        await h.SignInAsync("claude", "carol@example.com");
        // A new account joins the rotation once its token has reached the provider (a message, a moment after the
        // sign-in answers): requests go on until both accounts have been used, every one of them answered.
        await RouterUnderTest.EventuallyAsync(async () =>
        {
            Assert.Equal(HttpStatusCode.OK, (await h.ChatAsync("claude-sonnet-4-5")).Status);
            return h.Claude.Requests.Select(r => r.Headers["authorization"]).Distinct().Count() == 2;
        }, "both signed-in accounts to carry requests", 15_000);

        var signOut = await h.Router.Http.DeleteAsync("/v1/auth/llmux/claude?email=alice@example.com");
        Assert.Equal(1, JsonNode.Parse(await signOut.Content.ReadAsStringAsync())!["signed_out"]!.GetValue<int>());
        Assert.False(File.Exists(Path.Combine(h.Config.Auth.Dir, "llmux-claude-alice@example.com.json")));
        var left = (await h.StatusAsync("claude"))["accounts"]!.AsArray();
        Assert.Equal("carol@example.com", Assert.Single(left)!["email"]!.GetValue<string>());
        h.AssertNoSecretLeaked();
    }

    [Fact]
    public async Task A_refused_refresh_marks_the_account_unauthenticated_and_routing_uses_the_next_provider()
    {
        await using var h = await LlmuxHarness.StartAsync();
        h.OAuth.NextExpiresIn = 1;
        h.OAuth.RefuseRefresh = true;
        await h.SignInAsync("claude");

        await RouterUnderTest.EventuallyAsync(async () => await h.Router.ProviderHealthAsync("claude-pro") == "unauthenticated",
            "claude-pro unauthenticated after a refused renewal", 8000);
        var account = Assert.Single((await h.StatusAsync("claude"))["accounts"]!.AsArray())!;
        Assert.Equal("unauthenticated", account["health"]!.GetValue<string>());
        Assert.Contains("invalid_grant", account["reason"]!.GetValue<string>());

        var (status, body) = await h.ChatAsync("claude-sonnet-4-5");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("hello from backup", body);
        h.AssertNoSecretLeaked();
    }

    [Fact]
    public async Task Sign_in_endpoints_need_the_management_key_when_one_is_set_but_the_callback_does_not()
    {
        await using var h = await LlmuxHarness.StartAsync(c => c with { Server = c.Server with { ManagementKey = "mgmt-secret" } });
        var router = h.Router;

        Assert.Equal(HttpStatusCode.Unauthorized, (await router.Http.GetAsync("/v1/auth/llmux/claude/login")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await router.Http.GetAsync("/v1/auth/llmux/claude/status")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await router.Http.DeleteAsync("/v1/auth/llmux/claude")).StatusCode);
        var login = new HttpRequestMessage(HttpMethod.Get, "/v1/auth/llmux/claude/login");
        login.Headers.Add("X-Management-Key", "mgmt-secret");
        var url = JsonNode.Parse(await (await router.Http.SendAsync(login)).Content.ReadAsStringAsync())!["url"]!.GetValue<string>();
        var redirect = await LlmuxHarness.Browser.GetAsync(url);
        var callback = await LlmuxHarness.Browser.GetAsync(redirect.Headers.Location);
        Assert.Equal(HttpStatusCode.OK, callback.StatusCode);
    }

    private static string QueryValue(Uri uri, string name) =>
        System.Web.HttpUtility.ParseQueryString(uri.Query)[name] ?? throw new Xunit.Sdk.XunitException($"no {name} in {uri}");
}

/// <summary>`router login` drives the same flow from the command line and waits for the callback.</summary>
public sealed class LoginCommandTests
{
    [Fact]
    public async Task Login_prints_the_url_and_returns_once_the_person_has_signed_in()
    {
        await using var h = await LlmuxHarness.StartAsync();
        var output = new StringWriter();
        var login = Router.Http.Operations.LoginCommand.RunAsync(h.Config, "chatgpt", null, CancellationToken.None, TextWriter.Synchronized(output));

        string? url = null;
        await RouterUnderTest.EventuallyAsync(() =>
        {
            url = output.ToString().Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("http"));
            return Task.FromResult(url is not null);
        }, "the sign-in URL on the console");
        var redirect = await LlmuxHarness.Browser.GetAsync(url);   // the person signs in at the vendor
        await LlmuxHarness.Browser.GetAsync(redirect.Headers.Location);

        Assert.Equal(0, await login.WaitAsync(TimeSpan.FromSeconds(15)));
        Assert.Contains("Signed in as alice@example.com.", output.ToString());
        h.Answers.Add(output.ToString());
        h.AssertNoSecretLeaked();
    }
}
