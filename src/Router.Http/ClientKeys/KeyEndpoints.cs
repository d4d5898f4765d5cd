using System.Text.Json;
using System.Text.Json.Nodes;
using Router.Actors.Configuration;
using Router.Http.Endpoints;

namespace Router.Http.ClientKeys;

/// <summary>
/// /v0/management/keys: create a client key (POST {name, models?, limits?}; the key is answered this
/// once), list keys (GET: names, models, limits, source, created — never a key) and revoke one
/// (DELETE /v0/management/keys/{name}). Needs the management key (or loopback).
/// </summary>
public static class KeyEndpoints
{
    private const int MaxBody = 64 * 1024;

    public static void Map(WebApplication app)
    {
        app.MapGet("/v0/management/keys", ListAsync);
        app.MapPost("/v0/management/keys", CreateAsync);
        app.MapDelete("/v0/management/keys/{name}", RevokeAsync);
    }

    private static async Task ListAsync(HttpContext context, ManagementGuard guard, ClientKeyring keyring)
    {
        if (!await guard.AdmitAsync(context)) return;
        var keys = keyring.Configured.Concat(keyring.Managed.Where(m => keyring.Configured.All(c => c.Name != m.Name)));
        await SignInAnswers.WriteAsync(context, 200, new JsonObject { ["keys"] = new JsonArray(keys.Select(k => (JsonNode?)Describe(k)).ToArray()) });
    }

    private static async Task CreateAsync(HttpContext context, ManagementGuard guard, ManagedKeys managed)
    {
        if (!await guard.AdmitAsync(context)) return;
        var request = await ReadAsync(context);
        if (request.Error is not null)
        {
            await SignInAnswers.FailAsync(context, 400, request.Error);
            return;
        }
        var (created, error) = await managed.CreateAsync(request.Name!, request.Models!, request.Limits!, context.RequestAborted);
        if (created is null)
        {
            await SignInAnswers.FailAsync(context, error!.Contains("exists") || error.Contains("defined") ? 409 : 400, error);
            return;
        }
        var answer = Describe(created.Key);
        answer["key"] = created.Secret;
        await SignInAnswers.WriteAsync(context, 201, answer);
    }

    private static async Task RevokeAsync(HttpContext context, string name, ManagementGuard guard, ManagedKeys managed, ClientKeyring keyring)
    {
        if (!await guard.AdmitAsync(context)) return;
        if (keyring.Configured.Any(k => k.Name == name))
        {
            await SignInAnswers.FailAsync(context, 409, $"The key '{name}' is defined in server.api_keys: remove it from the config file and reload.");
            return;
        }
        if (!await managed.RevokeAsync(name, context.RequestAborted))
        {
            await SignInAnswers.FailAsync(context, 404, $"No managed key is named '{name}'.");
            return;
        }
        await SignInAnswers.WriteAsync(context, 200, new JsonObject { ["name"] = name, ["revoked"] = true });
    }

    private static JsonObject Describe(ClientKey key) => new()
    {
        ["name"] = key.Name,
        ["source"] = key.Source,
        ["models"] = new JsonArray(key.Models.Select(m => (JsonNode?)m).ToArray()),
        ["limits"] = new JsonObject
        {
            ["requests_per_minute"] = key.Limits.RequestsPerMinute,
            ["tokens_per_day"] = key.Limits.TokensPerDay,
        },
        ["created"] = key.Created?.ToString("O"),
    };

    private sealed record KeyRequest(string? Name, IReadOnlyList<string>? Models, ClientKeyLimits? Limits, string? Error);

    private static async Task<KeyRequest> ReadAsync(HttpContext context)
    {
        JsonNode? body;
        try
        {
            if (context.Request.ContentLength > MaxBody) return Invalid("the body is larger than 64 KiB");
            body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        }
        catch (JsonException e)
        {
            return Invalid("the body is not JSON: " + e.Message);
        }
        if (body is not JsonObject json) return Invalid("expected a JSON object {name, models?, limits?}");
        if (json["name"] is not JsonValue nameValue || !nameValue.TryGetValue<string>(out var name))
            return Invalid("name: required, a string");
        List<string> models = [];
        if (json["models"] is JsonArray list)
            foreach (var item in list)
                if (item is JsonValue v && v.TryGetValue<string>(out var pattern) && pattern.Length > 0) models.Add(pattern);
                else return Invalid("models: expected a list of model names or patterns (strings)");
        else if (json["models"] is not null) return Invalid("models: expected a list of model names or patterns (strings)");
        var limits = ClientKeyLimits.None;
        if (json["limits"] is JsonObject l)
        {
            if (Positive(l, "requests_per_minute", int.MaxValue, out var rpm) is { } rpmError) return Invalid(rpmError);
            if (Positive(l, "tokens_per_day", long.MaxValue, out var tpd) is { } tpdError) return Invalid(tpdError);
            limits = new ClientKeyLimits((int?)rpm, tpd);
        }
        else if (json["limits"] is not null) return Invalid("limits: expected an object {requests_per_minute?, tokens_per_day?}");
        return new KeyRequest(name, models, limits, null);
    }

    private static string? Positive(JsonObject limits, string name, long max, out long? value)
    {
        value = null;
        if (limits[name] is null) return null;
        if (limits[name] is JsonValue v && v.TryGetValue<long>(out var n) && n >= 1 && n <= max)
        {
            value = n;
            return null;
        }
        return $"limits.{name}: expected a positive whole number";
    }

    private static KeyRequest Invalid(string error) => new(null, null, null, error);
}
