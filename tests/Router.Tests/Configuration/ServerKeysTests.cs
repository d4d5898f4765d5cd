using Router.Actors.Configuration;

namespace Router.Tests.Configuration;

/// <summary>server.worker_keys, server.allowed_hosts and server.cors_origins: mapped, defaulted, and validated with line numbers.</summary>
public sealed class ServerKeysTests
{
    private const string Echo = "providers:\n  echo:\n    type: echo\n";

    private static RouterConfig Load(string yaml) => ConfigLoader.LoadText(yaml, "test.yaml", Path.GetTempPath());

    private static string Fails(string yaml) => Assert.Throws<ConfigException>(() => Load(yaml)).Message;

    [Fact]
    public void The_lists_map_and_origins_take_the_form_browsers_send()
    {
        var config = Load("""
            server:
              worker_keys: [wk-1, "${ROUTER_SERVER_KEYS_TEST_SURELY_UNSET}"]
              allowed_hosts: [router.example.test, "*.example.test", "router.example.test:8443"]
              cors_origins: ["https://app.example.test", "HTTP://LocalHost:3000/", "https://app.example.test:443", "chrome-extension://abcdef"]
            """ + "\n" + Echo);
        Assert.Equal(["wk-1", ""], config.Server.WorkerKeys);
        Assert.Equal(["router.example.test", "*.example.test", "router.example.test:8443"], config.Server.AllowedHosts);
        Assert.Equal(["https://app.example.test", "http://localhost:3000", "https://app.example.test", "chrome-extension://abcdef"], config.Server.CorsOrigins);
        Assert.DoesNotContain("wk-1", config.Server.ToString());
    }

    [Theory]
    [InlineData("\"*\"")]
    [InlineData("app.example.test")]
    [InlineData("https://app.example.test/path")]
    [InlineData("https://app.example.test?x=1")]
    [InlineData("https://user@app.example.test")]
    [InlineData("\"\"")]
    [InlineData("file:///etc")]
    public void A_cors_origin_that_is_not_scheme_host_port_is_named_with_its_line(string origin)
    {
        var message = Fails($"server:\n  cors_origins:\n    - https://ok.example.test\n    - {origin}\n" + Echo);
        Assert.StartsWith("test.yaml:4: server.cors_origins[1]: expected an origin such as https://app.example.com", message);
    }

    [Theory]
    [InlineData("https://router.example.test")]
    [InlineData("router.example.test/v1")]
    [InlineData("\"\"")]
    [InlineData("\"two words\"")]
    public void An_allowed_host_that_is_not_a_host_name_is_named_with_its_line(string host)
    {
        var message = Fails($"server:\n  allowed_hosts: [{host}]\n" + Echo);
        Assert.StartsWith("test.yaml:2: server.allowed_hosts[0]: expected a host name such as router.example.com", message);
    }

    [Fact]
    public void Worker_keys_must_be_a_list_of_strings_and_are_never_shown()
    {
        var message = Fails("server:\n  worker_keys: wk-secret-value\n" + Echo);
        Assert.Equal("test.yaml:2: server.worker_keys: expected a list of strings, got a scalar", message);
        message = Fails("server:\n  worker_keys: [{k: wk-secret-value}]\n" + Echo);
        Assert.StartsWith("test.yaml:2: server.worker_keys[0]: expected a string, got a mapping", message);
        Assert.DoesNotContain("wk-secret-value", message);
    }
}
