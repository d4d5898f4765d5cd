using Router.Actors.Configuration;

namespace Router.Tests.Security;

/// <summary>server.allowed_hosts and server.cors_origins: lists of strings, empty by default.</summary>
public sealed class SecurityConfigTests
{
    private static RouterConfig Load(string yaml) => ConfigLoader.LoadText(yaml, "test.yaml", Path.GetTempPath());

    [Fact]
    public void Both_lists_are_read_and_default_to_empty()
    {
        var config = Load("""
            server:
              allowed_hosts: [router.lan, "pinned.lan:8317", .corp.example]
              cors_origins: [https://console.example]
            providers:
              echo: { type: echo }
            """);
        Assert.Equal(["router.lan", "pinned.lan:8317", ".corp.example"], config.Server.AllowedHosts);
        Assert.Equal(["https://console.example"], config.Server.CorsOrigins);

        var defaults = Load("server:\n  port: 8317\nproviders:\n  echo: { type: echo }\n");
        Assert.Empty(defaults.Server.AllowedHosts);
        Assert.Empty(defaults.Server.CorsOrigins);
    }
}
