using Router.Actors.Configuration;

namespace Router.Tests.Configuration;

/// <summary>The oauth and clerk blocks (docs/configuration.md): typed, required where the type needs them.</summary>
public sealed class SignInBlockTests
{
    private static RouterConfig Load(string yaml) => ConfigLoader.LoadText(yaml, "test.yaml", Path.GetTempPath());

    [Fact]
    public void An_oauth_block_is_read_with_its_defaults()
    {
        var config = Load("""
            providers:
              claude-pro:
                type: claude-oauth
                base_url: https://api.example.test
                headers: { anthropic-beta: oauth-2025-04-20 }
                oauth:
                  authorize_url: https://auth.example.test/authorize
                  token_url: https://auth.example.test/token
                  client_id: my-client
                  scopes: [user:inference, user:profile]
                  redirect_uri: http://localhost:8317/v1/auth/llmux/claude/callback
                  token_format: json
                  authorize_params: { code: "true" }
            """);
        var oauth = config.Providers[0].OAuth!;
        Assert.Equal("https://auth.example.test/token", oauth.TokenUrl);
        Assert.Equal("my-client", oauth.ClientId);
        Assert.Equal(["user:inference", "user:profile"], oauth.Scopes);
        Assert.Equal("json", oauth.TokenFormat);
        Assert.Equal("true", oauth.AuthorizeParams["code"]);
        Assert.Null(oauth.UserinfoUrl);
    }

    [Theory]
    [InlineData("claude-oauth", "oauth")]
    [InlineData("chatgpt-oauth", "oauth")]
    [InlineData("ctonew", "clerk")]
    public void A_type_that_signs_in_without_its_block_names_the_missing_block(string type, string block)
    {
        var message = Assert.Throws<ConfigException>(() => Load($"""
            providers:
              mine:
                type: {type}
                base_url: https://api.example.test
            """)).Message;
        Assert.StartsWith($"test.yaml:2: providers.mine.{block}: missing required block '{block}'", message);
    }

    [Fact]
    public void A_missing_oauth_key_is_named_with_its_line()
    {
        var message = Assert.Throws<ConfigException>(() => Load("""
            providers:
              chatgpt-plus:
                type: chatgpt-oauth
                base_url: https://api.example.test
                oauth:
                  authorize_url: https://auth.example.test/authorize
                  client_id: my-client
                  redirect_uri: http://localhost:8317/v1/auth/llmux/chatgpt/callback
            """)).Message;
        Assert.Equal("test.yaml:5: providers.chatgpt-plus.oauth.token_url: missing required key 'token_url'", message);
    }

    [Fact]
    public void A_clerk_cookie_comes_from_the_environment_and_never_shows_in_ToString()
    {
        Environment.SetEnvironmentVariable("ROUTER_TEST_CLERK_COOKIE", "cookie-secret-value");
        var config = Load("""
            providers:
              ctonew:
                type: ctonew
                base_url: https://api.example.test
                clerk: { token_url: https://clerk.example.test/v1/tokens/create, cookie: "${ROUTER_TEST_CLERK_COOKIE}" }
            """);
        var clerk = config.Providers[0].Clerk!;
        Assert.Equal("cookie-secret-value", clerk.Cookie);
        Assert.DoesNotContain("cookie-secret-value", clerk.ToString());
        Assert.DoesNotContain("cookie-secret-value", config.Providers[0].ToString());
    }

    [Fact]
    public void An_unknown_oauth_key_is_refused()
    {
        var message = Assert.Throws<ConfigException>(() => Load("""
            providers:
              claude-pro:
                type: claude-oauth
                base_url: https://api.example.test
                oauth: { client_secret: nope, token_url: https://a.test/t }
            """)).Message;
        Assert.Contains("providers.claude-pro.oauth.client_secret: unknown key 'client_secret'", message);
    }
}
