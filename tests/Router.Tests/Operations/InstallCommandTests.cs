using Router.Actors.Configuration;
using Router.Http.Operations;
using Router.Tests.Fakes;
using static Router.Tests.Fakes.TestConfig;

namespace Router.Tests.Operations;

/// <summary>`install` says what it checked and did, and fails when an enabled provider lacks something.</summary>
public sealed class InstallCommandTests
{
    private static ProviderConfig Service(string name, string command) => new()
    {
        Name = name, Type = "http-proxy", BaseUrl = "http://127.0.0.1:1/v1",
        Service = new ServiceConfig { Command = command, Cwd = Path.GetTempPath() },
    };

    [Fact]
    public async Task It_creates_the_folders_finds_service_programs_and_names_what_is_missing()
    {
        var dir = NewAuthDir();
        var config = Build([Service("present", "dotnet --info"), Service("absent", "no-such-program-xyz --port 1")], [], authDir: Path.Combine(dir, "auth"));
        config = config with { Logging = config.Logging with { Dir = Path.Combine(dir, "logs") } };
        var output = new StringWriter();

        var exit = await InstallCommand.RunAsync(config, output);

        var text = output.ToString();
        Assert.Equal(1, exit);
        Assert.True(Directory.Exists(config.Auth.Dir));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(config.Auth.Dir));
        Assert.True(Directory.Exists(config.Logging.Dir));
        Assert.Contains("ok       present: service program", text);
        Assert.Contains("missing  absent: service program 'no-such-program-xyz'", text);
        Assert.Contains("1 thing(s) missing", text);
    }
}
