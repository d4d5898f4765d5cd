using Router.Actors.Configuration;
using Router.Actors.Providers;
using Router.Actors.Providers.Types;

namespace Router.Tests.Configuration;

/// <summary>Provider types come from one registry: each resolves from config to upstream, accounts and sign-in.</summary>
public sealed class ProviderTypeRegistryTests
{
    private static RouterConfig Load(string yaml) => ConfigLoader.LoadText(yaml, "test.yaml", Path.GetTempPath());

    public static TheoryData<string> TypeNames() => new(ProviderTypes.Names);

    /// <summary>The smallest block of <paramref name="type"/> that loads: base_url when it has no default, its required block.</summary>
    private static string MinimalBlock(ProviderType type)
    {
        var lines = new List<string> { $"  p:", $"    type: {type.Name}", "    api_keys: [k-1]" };
        if (type.NeedsBaseUrl && type.DefaultBaseUrl is null)
            lines.Add("    base_url: http://127.0.0.1:9/v1");
        if (type.RequiredBlock == "oauth")
            lines.Add("    oauth: { authorize_url: http://127.0.0.1:9/a, token_url: http://127.0.0.1:9/t, client_id: c, redirect_uri: http://127.0.0.1:9/cb }");
        if (type.RequiredBlock == "clerk")
            lines.Add("    clerk: { token_url: http://127.0.0.1:9/tokens }");
        return "providers:\n" + string.Join('\n', lines) + "\n";
    }

    [Theory]
    [MemberData(nameof(TypeNames))]
    public void Every_registered_type_loads_and_builds_its_provider(string name)
    {
        var type = ProviderTypes.Find(name)!;
        var config = Assert.Single(Load(MinimalBlock(type)).Providers);
        Assert.Equal(name, config.Type);
        if (type.DefaultBaseUrl is { } fallback)
            Assert.Equal(fallback, config.BaseUrl);

        using var http = new HttpClient();
        var definition = ProviderDefinition.From(config, http, Path.GetTempPath());

        Assert.Same(type, definition.Type);
        Assert.Equal(type.LlmuxKind, definition.LlmuxKind);
        if (!type.Served)
        {
            Assert.Null(definition.Upstream);
            Assert.Equal($"provider type '{name}' is not served by this build yet", definition.DisabledReason);
            return;
        }
        Assert.NotNull(definition.Upstream);
        Assert.Null(definition.DisabledReason);
        var signsIn = type.SignIn is SignInKind.Llmux or SignInKind.CtoNew;
        Assert.Equal(signsIn, definition.SignsIn);
        Assert.Equal(type.SignIn == SignInKind.Llmux, definition.OAuth is not null);
        // A relay type's accounts are its connected workers: none configured.
        if (type.SignIn == SignInKind.AiStudioRelay)
            Assert.Empty(definition.Accounts);
        else if (!signsIn)
            Assert.Equal("k-1", Assert.Single(definition.Accounts).Credential);
    }

    [Fact]
    public void Aistudio_is_served_through_the_relay()
    {
        var aistudio = ProviderTypes.Find("aistudio")!;
        Assert.True(aistudio.Served);
        Assert.NotNull(aistudio.RelayUpstream);
        Assert.Equal(SignInKind.AiStudioRelay, aistudio.SignIn);
        Assert.True(aistudio.NeedsBrowser);
    }

    [Fact]
    public void A_keyless_type_gets_one_account_without_keys_and_a_keyed_one_is_disabled()
    {
        using var http = new HttpClient();
        var config = Load("providers:\n  e:\n    type: echo\n  o:\n    type: openai\n    api_keys: [\"\"]\n");
        var echo = ProviderDefinition.From(config.Providers[0], http, Path.GetTempPath());
        var openai = ProviderDefinition.From(config.Providers[1], http, Path.GetTempPath());
        Assert.Single(echo.Accounts);
        Assert.Empty(openai.Accounts);
        Assert.Equal("every api key is empty (unset environment variable?)", openai.DisabledReason);
    }

    [Fact]
    public void The_table_is_consistent()
    {
        Assert.Equal(ProviderTypes.Names.Count, ProviderTypes.Names.Distinct().Count());
        Assert.Equal(["claude", "chatgpt"], ProviderTypes.LlmuxKinds);
        foreach (var type in ProviderTypes.All)
        {
            Assert.Same(type, ProviderTypes.Find(type.Name));
            if (type.RequiredBlock is { } block)
                Assert.Contains(block, type.Blocks);
            Assert.All(type.Blocks, key => Assert.Contains(key, ConfigKeys.Blocks["providers.NAME"]));
            Assert.All(type.Blocks, key => Assert.DoesNotContain(key, ConfigKeys.Provider));
            Assert.Equal(type.SignIn == SignInKind.Llmux, type.LlmuxKind is not null);
        }
        Assert.Same(LlmuxTypes.ClaudeOAuth, ProviderTypes.ForLlmuxKind("claude"));
        Assert.Null(ProviderTypes.ForLlmuxKind("gemini"));
    }

    [Fact]
    public void An_unknown_type_is_named_with_its_line_and_every_known_type()
    {
        var message = Assert.Throws<ConfigException>(() => Load("providers:\n  ok:\n    type: echo\n  bad:\n    type: mistral\n")).Message;
        Assert.Equal($"test.yaml:5: providers.bad.type: unknown provider type 'mistral' (expected one of: {string.Join(", ", ProviderTypes.Names)})", message);
    }

    [Fact]
    public void A_key_of_another_type_is_refused_naming_the_types_that_take_it()
    {
        var message = Assert.Throws<ConfigException>(() =>
            Load("providers:\n  o:\n    type: openai\n    clerk: { token_url: http://127.0.0.1:9/t }\n")).Message;
        Assert.StartsWith("test.yaml:4: providers.o.clerk: unknown key 'clerk' for type 'openai' (allowed: type, enabled,", message);
        Assert.EndsWith("'clerk' belongs to type ctonew)", message);

        message = Assert.Throws<ConfigException>(() => Load("providers:\n  e:\n    type: echo\n    oauth: {}\n")).Message;
        Assert.EndsWith("'oauth' belongs to type claude-oauth, chatgpt-oauth)", message);
    }

    [Fact]
    public void A_disabled_signing_in_provider_may_leave_its_block_out()
    {
        var config = Load("providers:\n  c:\n    type: claude-oauth\n    enabled: false\n    base_url: http://127.0.0.1:9\n");
        Assert.Null(Assert.Single(config.Providers).OAuth);
    }
}
