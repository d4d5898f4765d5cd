using Router.Actors.Configuration;

namespace Router.Tests.ClientKeys;

/// <summary>server.api_keys entries: plain strings or {name, key, models, limits}; mistakes name their line and key path, never a key.</summary>
public sealed class ClientKeyConfigTests
{
    private const string Echo = "providers:\n  echo: { type: echo }\nmodels:\n  routing: [{ pattern: \"^echo-\", providers: [echo] }]\n";

    private static RouterConfig Load(string yaml) => ConfigLoader.LoadText(yaml.TrimEnd('\n') + "\n" + Echo, "test.yaml", Path.GetTempPath());

    private static string Fails(string yaml) => Assert.Throws<ConfigException>(() => Load(yaml)).Message;

    [Fact]
    public void Plain_and_named_keys_read_into_client_keys()
    {
        var config = Load("""
            server:
              api_keys:
                - sk-plain
                - name: team-a
                  key: sk-team
                  models: ["gpt-*", claude-sonnet-4]
                  limits: { requests_per_minute: 60, tokens_per_day: 100000 }
                - ""
            """);
        var keys = config.Server.ClientKeys;
        Assert.Equal(2, keys.Count);
        Assert.Equal(ClientKeyName.Derive("sk-plain"), keys[0].Name);
        Assert.Matches("^key-[0-9a-f]{8}$", keys[0].Name);
        Assert.Empty(keys[0].Models);
        Assert.Equal(new ClientKeyConfig("team-a", "sk-team", keys[1].Models, new ClientKeyLimits(60, 100000)), keys[1]);
        Assert.Equal(["gpt-*", "claude-sonnet-4"], keys[1].Models);
        Assert.Equal(["sk-plain", "sk-team"], config.Server.ApiKeys);
        Assert.DoesNotContain("sk-team", keys[1].ToString());
    }

    [Theory]
    [InlineData("    - { name: a, key: sk-1 }\n    - { name: a, key: sk-2 }", 4, "server.api_keys[1]", "used twice")]
    [InlineData("    - { name: a, key: sk-1 }\n    - { name: b, key: sk-1 }", 4, "server.api_keys[1]", "listed twice")]
    [InlineData("    - { key: sk-1 }", 3, "server.api_keys[0].name", "missing required key 'name'")]
    [InlineData("    - { name: 'has space', key: sk-1 }", 3, "server.api_keys[0].name", "letters, digits")]
    [InlineData("    - { name: a, key: sk-1, limits: { requests_per_minute: 0 } }", 3, "server.api_keys[0].limits.requests_per_minute", "out of range")]
    [InlineData("    - { name: a, key: sk-1, limits: { per_hour: 5 } }", 3, "server.api_keys[0].limits.per_hour", "unknown key")]
    [InlineData("    - { name: a, key: sk-1, scope: all }", 3, "server.api_keys[0].scope", "unknown key")]
    public void A_wrong_entry_names_its_line_and_path_and_never_the_key(string entries, int line, string path, string what)
    {
        var message = Fails("server:\n  api_keys:\n" + entries + "\n");
        Assert.StartsWith($"test.yaml:{line}: {path}: ", message);
        Assert.Contains(what, message);
        Assert.DoesNotContain("sk-1", message);
        Assert.DoesNotContain("sk-2", message);
    }

    [Fact]
    public void Watch_config_is_a_boolean()
    {
        Assert.True(Load("server:\n  watch_config: true\n").Server.WatchConfig);
        Assert.StartsWith("test.yaml:2: server.watch_config: ", Fails("server:\n  watch_config: sometimes\n"));
    }
}
