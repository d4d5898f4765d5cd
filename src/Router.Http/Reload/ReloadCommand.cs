using System.Text.Json.Nodes;
using Router.Actors.Configuration;
using Router.Http.Operations;

namespace Router.Http.Reload;

/// <summary>
/// `reload`: asks the running router to read its config file again (POST /v0/management/reload) and
/// prints what changed, which keys need a restart, or why the file was refused. Exit code 0 when
/// applied, 1 when refused or the router does not answer.
/// </summary>
public static class ReloadCommand
{
    public static async Task<int> RunAsync(RouterConfig config, TextWriter output)
    {
        using var http = RouterClient.Create(config, TimeSpan.FromSeconds(30));
        JsonObject? answer;
        try
        {
            var response = await http.PostAsync("/v0/management/reload", null);
            answer = JsonNode.Parse(await response.Content.ReadAsStringAsync()) as JsonObject;
        }
        catch (Exception e) when (e is HttpRequestException or System.Text.Json.JsonException)
        {
            output.WriteLine($"The router is not running at {http.BaseAddress}.");
            return 1;
        }
        if (answer?["applied"]?.GetValue<bool>() != true)
        {
            output.WriteLine("Reload refused; the running config stays: " + (answer?["error"] is JsonObject error ? error["message"] : answer?["error"]));
            return 1;
        }
        var changes = answer["changes"]!.AsArray().Select(c => c!.ToString()).ToList();
        var restart = answer["restart_needed"]!.AsArray().Select(c => c!.ToString()).ToList();
        output.WriteLine(changes.Count == 0 ? "Reloaded: no change." : "Reloaded: " + string.Join("; ", changes));
        if (restart.Count > 0) output.WriteLine("Needs a restart to apply: " + string.Join(", ", restart));
        return 0;
    }
}
