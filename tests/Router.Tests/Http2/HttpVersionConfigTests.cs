using Router.Actors.Configuration;
using Router.Http;

namespace Router.Tests.Http2;

/// <summary>`providers.NAME.http_version` read from YAML, and what it means for the default connection limit.</summary>
public sealed class HttpVersionConfigTests
{
    private static ProviderConfig Provider(string httpVersionLine) =>
        ConfigLoader.LoadText($"providers:\n  p:\n    type: openai\n    base_url: http://127.0.0.1:1/v1\n{httpVersionLine}", "test.yaml", Path.GetTempPath())
            .Providers.Single();

    [Theory]
    [InlineData("", UpstreamHttpVersion.Http11)]
    [InlineData("    http_version: \"1.1\"\n", UpstreamHttpVersion.Http11)]
    [InlineData("    http_version: 2\n", UpstreamHttpVersion.Http2)]
    [InlineData("    http_version: \"2\"\n", UpstreamHttpVersion.Http2)]
    [InlineData("    http_version: AUTO\n", UpstreamHttpVersion.Auto)]
    public void The_key_selects_the_version(string line, UpstreamHttpVersion expected) =>
        Assert.Equal(expected, Provider(line).HttpVersion);

    [Fact]
    public void An_unknown_version_is_named_with_the_allowed_ones()
    {
        var error = Assert.Throws<ConfigException>(() => Provider("    http_version: 3\n"));
        Assert.Equal("test.yaml:5: providers.p.http_version: unknown value '3' (expected one of: 1.1, 2, auto)", error.Message);
    }

    [Theory]
    [InlineData(UpstreamHttpVersion.Http2, "http://127.0.0.1:1/v1", 1.01)]
    [InlineData(UpstreamHttpVersion.Auto, "https://api.example.com/v1", 1.01)]
    [InlineData(UpstreamHttpVersion.Auto, "http://127.0.0.1:1/v1", 2)]
    [InlineData(UpstreamHttpVersion.Http11, "https://api.example.com/v1", 2)]
    public void A_connection_costs_one_descriptor_only_when_every_upstream_multiplexes(UpstreamHttpVersion version, string baseUrl, double expected)
    {
        var multiplexed = new ProviderConfig { Name = "h2", Type = "openai", BaseUrl = "http://127.0.0.1:2/v1", HttpVersion = UpstreamHttpVersion.Http2 };
        var other = new ProviderConfig { Name = "p", Type = "openai", BaseUrl = baseUrl, HttpVersion = version };
        var disabledHttp11 = new ProviderConfig { Name = "off", Type = "openai", BaseUrl = "http://127.0.0.1:3/v1", Enabled = false };

        Assert.Equal(expected, ConnectionLimit.DescriptorsPerConnection([multiplexed, other, disabledHttp11]));
    }

    [Fact]
    public void A_configured_limit_wins_over_the_descriptor_count() =>
        Assert.Equal(123, ConnectionLimit.For(123, []));
}
