using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Router.Tests.Fakes;
using static Router.Tests.Reload.FileConfiguredRouter;

namespace Router.Tests.ClientKeys;

/// <summary>/v0/management/keys: keys created, listed and revoked without a restart, stored as their SHA-256 only.</summary>
public sealed class ManagedKeyTests
{
    private static string Config(FakeUpstream fake) => Header(extraServer: "  api_keys:\n    - { name: from-config, key: sk-config }") + "providers:\n" + OpenAi("a", fake, "k-a") + """
        models:
          routing:
            - pattern: ".*"
              providers: [a]

        """;

    private static async Task<int> ChatAsync(HttpClient http, string key, string model = "gpt-x")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = JsonContent.Create(new JsonObject { ["model"] = model, ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "hi" }) }),
        };
        request.Headers.Authorization = new("Bearer", key);
        return (int)(await http.SendAsync(request)).StatusCode;
    }

    [Fact]
    public async Task A_key_is_created_listed_used_and_revoked_without_a_restart_and_stored_hashed()
    {
        await using var fake = await FakeUpstream.StartAsync();
        fake.DefaultReply = OpenAiWire.Text("hi");
        await using var router = await StartAsync(Config(fake));

        var created = await router.Http.PostAsJsonAsync("/v0/management/keys",
            new JsonObject { ["name"] = "ci-bot", ["models"] = new JsonArray("gpt-*"), ["limits"] = new JsonObject { ["requests_per_minute"] = 100 } });
        Assert.Equal(201, (int)created.StatusCode);
        var answer = (await created.Content.ReadFromJsonAsync<JsonObject>())!;
        var key = answer["key"]!.ToString();
        Assert.StartsWith("sk-router-", key);
        Assert.Equal("ci-bot", answer["name"]!.ToString());
        Assert.Equal(100, answer["limits"]!["requests_per_minute"]!.GetValue<int>());

        Assert.Equal(200, await ChatAsync(router.Http, key));
        Assert.Equal(403, await ChatAsync(router.Http, key, "claude-x"));
        Assert.Equal(200, await ChatAsync(router.Http, "sk-config"));

        var listed = await router.Http.GetStringAsync("/v0/management/keys");
        Assert.DoesNotContain(key, listed);
        Assert.DoesNotContain("sk-config", listed);
        var names = JsonNode.Parse(listed)!["keys"]!.AsArray().Select(k => $"{k!["name"]}:{k["source"]}").ToList();
        Assert.Equal(["from-config:config", "ci-bot:managed"], names);

        // In the database: the key's SHA-256, never the key.
        var db = Path.Combine(router.Dir, "auth", "router.db");
        await using (var connection = new SqliteConnection($"Data Source={db};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT key_sha256 FROM router_client_keys WHERE name = 'ci-bot'";
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key))), (string?)await command.ExecuteScalarAsync());
        }
        Assert.DoesNotContain(key, Encoding.Latin1.GetString(await File.ReadAllBytesAsync(db)));
        Assert.DoesNotContain(key, router.Router.Log.All);

        Assert.Equal(409, (int)(await router.Http.PostAsJsonAsync("/v0/management/keys", new JsonObject { ["name"] = "ci-bot" })).StatusCode);
        Assert.Equal(409, (int)(await router.Http.PostAsJsonAsync("/v0/management/keys", new JsonObject { ["name"] = "from-config" })).StatusCode);
        Assert.Equal(409, (int)(await router.Http.DeleteAsync("/v0/management/keys/from-config")).StatusCode);

        Assert.Equal(200, (int)(await router.Http.DeleteAsync("/v0/management/keys/ci-bot")).StatusCode);
        Assert.Equal(401, await ChatAsync(router.Http, key));
        Assert.Equal(404, (int)(await router.Http.DeleteAsync("/v0/management/keys/ci-bot")).StatusCode);
    }

    [Theory]
    [InlineData("""{"models":["gpt-*"]}""", "name")]
    [InlineData("""{"name":"has space"}""", "name")]
    [InlineData("""{"name":"ok","limits":{"requests_per_minute":0}}""", "limits.requests_per_minute")]
    [InlineData("""{"name":"ok","models":"gpt-*"}""", "models")]
    public async Task A_malformed_request_is_400_naming_the_field(string body, string field)
    {
        await using var fake = await FakeUpstream.StartAsync();
        await using var router = await StartAsync(Config(fake));
        var response = await router.Http.PostAsync("/v0/management/keys", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Contains(field, await response.Content.ReadAsStringAsync());
    }
}
