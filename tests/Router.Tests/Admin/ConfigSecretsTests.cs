using Router.Actors.Configuration;
using Router.Http.Admin;

namespace Router.Tests.Admin;

public class ConfigSecretsTests
{
    private const string Config = """
        # the team's router
        server:
          port: 8317
          management_key: mk-very-secret        # keep safe
          api_keys:
            - sk-plain-client
            - name: alice
              key: "sk-alice-quoted"
              models: ["^gpt-"]
          worker_keys: [wk-one, wk-two]
        auth:
          store: postgres
          connection_string: Host=db;Password=pg-secret
        providers:
          openai-main:
            type: openai
            base_url: https://api.openai.com/v1
            api_keys: [sk-upstream-1, "${OPENAI_API_KEY}"]
            headers: { OpenAI-Organization: org-secret }
        models:
          routing:
            - pattern: "^gpt-"
              providers: [openai-main]
        """;

    private static readonly string[] Secrets =
        ["mk-very-secret", "sk-plain-client", "sk-alice-quoted", "wk-one", "wk-two", "pg-secret", "sk-upstream-1", "org-secret"];

    [Fact]
    public void Masking_hides_every_secret_and_keeps_comments_names_and_env_references()
    {
        var (masked, count) = ConfigSecrets.Mask(Config);

        foreach (var secret in Secrets) Assert.DoesNotContain(secret, masked);
        Assert.Equal(8, count);
        Assert.Contains("# the team's router", masked);
        Assert.Contains("# keep safe", masked);
        Assert.Contains("name: alice", masked);
        Assert.Contains("\"${OPENAI_API_KEY}\"", masked);
        Assert.Contains("<secret:1>", masked);
    }

    [Fact]
    public void An_edit_of_the_masked_text_gets_its_secrets_back_and_stays_a_valid_config()
    {
        var (masked, _) = ConfigSecrets.Mask(Config);
        var edited = masked.Replace("port: 8317", "port: 8400");

        var restored = ConfigSecrets.Restore(edited, Config);

        Assert.Equal(Config.Replace("port: 8317", "port: 8400"), restored);
    }

    [Fact]
    public void A_restored_config_loads_with_its_real_secrets()
    {
        const string small = "server:\n  management_key: 'mk-1'\nproviders:\n  e:\n    type: echo\nmodels:\n  routing:\n    - pattern: '.*'\n      providers: [e]\n";
        var (masked, _) = ConfigSecrets.Mask(small);

        var config = ConfigLoader.LoadText(ConfigSecrets.Restore(masked.Replace("'.*'", "'^e'"), small), "config.unified.yaml", Path.GetTempPath());

        Assert.Equal("mk-1", config.Server.ManagementKey);
        Assert.Equal("^e", config.Models.Routing[0].Pattern);
    }

    [Fact]
    public void A_placeholder_that_names_no_secret_is_refused_with_its_line()
    {
        var error = Assert.Throws<FormatException>(() => ConfigSecrets.Restore("server:\n  management_key: <secret:99>\n", Config));

        Assert.Contains("line 2", error.Message);
        Assert.Contains("<secret:99>", error.Message);
    }

    [Fact]
    public void Text_that_is_not_yaml_is_refused_with_its_line()
    {
        var error = Assert.Throws<FormatException>(() => ConfigSecrets.Restore("server:\n  port: [8317\n", Config));

        Assert.Contains("line", error.Message);
    }
}
