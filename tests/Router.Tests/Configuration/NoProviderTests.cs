using Router.Actors.Configuration;
using Router.Http;

namespace Router.Tests.Configuration;

/// <summary>A config must configure at least one provider; the message says what to add; the command line exits 2.</summary>
public sealed class NoProviderTests
{
    private static string Fails(string yaml) =>
        Assert.Throws<ConfigException>(() => ConfigLoader.LoadText(yaml, "test.yaml", Path.GetTempPath())).Message;

    [Theory]
    [InlineData("", 1)]
    [InlineData("# only a comment\n", 1)]
    [InlineData("---\n", 1)]
    [InlineData("server:\n  port: 8400\n", 1)]
    [InlineData("server:\n  port: 8400\nproviders:\n", 3)]
    [InlineData("server:\n  port: 8400\nproviders: {}\nmodels:\n  routing: []\n", 3)]
    public void A_config_without_providers_says_what_to_add(string yaml, int line)
    {
        var message = Fails(yaml);
        Assert.StartsWith($"test.yaml:{line}: providers: no provider is configured; add one, e.g. an echo provider", message);
        Assert.Contains("type: echo", message);
        Assert.DoesNotContain('\n', message);
    }

    [Fact]
    public void Other_errors_are_reported_before_the_missing_providers()
    {
        Assert.StartsWith("test.yaml:2: server.port:", Fails("server:\n  port: eighty\n"));
    }

    [Fact]
    public void Validating_an_empty_file_exits_with_the_config_error_code()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("router-noprov-").FullName, "config.unified.yaml");
        try
        {
            File.WriteAllText(path, "");
            Assert.Equal(ConfigException.ExitCode, Commands.Validate(path));
            Assert.Equal(2, ConfigException.ExitCode);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }
}
