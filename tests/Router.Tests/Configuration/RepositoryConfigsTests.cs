using Router.Actors.Configuration;
using Router.Actors.Providers.Types;

namespace Router.Tests.Configuration;

/// <summary>The config files the repository ships load, and its reference docs name every config key, type and sign-in route.</summary>
public sealed class RepositoryConfigsTests
{
    private static readonly string Root = Integration.StateAndSurfaceTests.RepoRoot();

    private static string Doc(string name) => File.ReadAllText(Path.Combine(Root, "docs", name));

    [Theory]
    [InlineData("config.unified.yaml")]
    [InlineData("docker/config.unified.yaml")]
    [InlineData("docker/config.cluster.yaml")]
    public void A_shipped_config_loads(string file)
    {
        // The docker configs listen on every interface (so they need a client key) and name their node
        // from the environment, as their containers do; cluster nodes share a secret.
        string[] names = ["ROUTER_API_KEY", "ROUTER_NODE_HOST", "ROUTER_CLUSTER_SECRET"];
        var before = names.ToDictionary(n => n, Environment.GetEnvironmentVariable);
        foreach (var name in names)
            Environment.SetEnvironmentVariable(name, before[name] ?? "repository-configs-test");
        try
        {
            var config = ConfigLoader.LoadFile(Path.Combine(Root, file));
            Assert.Contains(config.Providers, p => p.Type == "echo");
        }
        finally
        {
            foreach (var name in names)
                Environment.SetEnvironmentVariable(name, before[name]);
        }
    }

    [Fact]
    public void The_configuration_doc_names_every_key_and_provider_type()
    {
        var doc = Doc("configuration.md");
        var paths = ConfigKeys.Blocks.SelectMany(b => b.Value.Select(key => b.Key == "(root)" ? key : $"{b.Key}.{key}"));
        Assert.All(paths, path => Assert.True(doc.Contains($"`{path}`"), $"docs/configuration.md does not document `{path}`"));
        Assert.All(ProviderTypes.Names, name => Assert.Contains($"`{name}`", doc));
    }

    [Fact]
    public void The_http_doc_names_every_route_a_provider_type_needs()
    {
        var doc = Doc("http-api.md");
        Assert.All(ProviderTypes.All.SelectMany(t => t.Endpoints), route => Assert.Contains(route, doc));
    }

    [Fact]
    public void No_source_comment_points_outside_the_repository()
    {
        var offenders = new[] { "src", "tests", "bench" }
            .SelectMany(dir => Directory.EnumerateFiles(Path.Combine(Root, dir), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .Where(f => File.ReadAllText(f).Contains("contract/" + "config.md") || File.ReadAllText(f).Contains("contract/" + "http.md") || File.ReadAllText(f).Contains("contract/" + "providers.md"))
            .ToList();
        Assert.Empty(offenders);
    }
}
