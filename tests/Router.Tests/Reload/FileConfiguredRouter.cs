using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Router.Actors.Configuration;
using Router.Tests.Fakes;

namespace Router.Tests.Reload;

/// <summary>
/// The real router, in process, started from a config file in a folder of its own (auth and logs
/// inside it), so a test can rewrite the file and reload. <c>{dir}</c> in the text is that folder.
/// </summary>
public sealed class FileConfiguredRouter : IAsyncDisposable
{
    public string Dir { get; }
    public string ConfigPath => Path.Combine(Dir, "config.unified.yaml");
    public RouterUnderTest Router { get; }
    public HttpClient Http => Router.Http;

    private FileConfiguredRouter(string dir, RouterUnderTest router)
    {
        Dir = dir;
        Router = router;
    }

    public static async Task<FileConfiguredRouter> StartAsync(string yaml)
    {
        var dir = Directory.CreateTempSubdirectory("router-reload-").FullName;
        File.WriteAllText(Path.Combine(dir, "config.unified.yaml"), yaml.Replace("{dir}", dir));
        var config = ConfigLoader.LoadFile(Path.Combine(dir, "config.unified.yaml"));
        return new FileConfiguredRouter(dir, await RouterUnderTest.StartAsync(config));
    }

    public void Rewrite(string yaml) => File.WriteAllText(ConfigPath, yaml.Replace("{dir}", Dir));

    /// <summary>POST /v0/management/reload: the status and the answer.</summary>
    public async Task<(int Status, JsonObject Answer)> ReloadAsync()
    {
        var response = await Http.PostAsync("/v0/management/reload", null);
        return ((int)response.StatusCode, (await response.Content.ReadFromJsonAsync<JsonObject>())!);
    }

    public static string Header(string dir = "{dir}", string extraServer = "", string level = "info") => $$"""
        server:
          host: 127.0.0.1
          port: 0
        {{extraServer}}
        auth:
          dir: {{dir}}/auth
        logging:
          dir: {{dir}}/logs
          level: {{level}}

        """;

    public static string OpenAi(string name, FakeUpstream fake, string key, int timeout = 60) => $"""
          {name}:
            type: openai
            base_url: {fake.BaseUrl}/v1
            api_keys: [{key}]
            timeout: {timeout}

        """;

    public async ValueTask DisposeAsync()
    {
        await Router.DisposeAsync();
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
