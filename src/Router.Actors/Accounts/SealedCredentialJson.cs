using System.Text.Json;
using System.Text.Json.Serialization;
using Router.Persistence;

namespace Router.Actors.Accounts;

/// <summary>
/// A credential as JSON with its secrets sealed: <c>secret</c> and <c>access_token</c> are
/// <c>enc:v1:...</c>, the rest (identity, expiry, account id) stays readable. Reading also accepts
/// unsealed values. Throws <see cref="System.Security.Cryptography.CryptographicException"/> when a
/// value was sealed with another key ring.
/// </summary>
public sealed class SealedCredentialJson(SecretSealer sealer) : JsonConverter<Credential>
{
    public override Credential Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var body = JsonSerializer.Deserialize<Body>(ref reader) ?? throw new JsonException("credential expected");
        return new Credential(
            sealer.Unseal(body.Secret ?? throw new JsonException("credential without a secret")),
            sealer.UnsealOrNull(body.AccessToken),
            body.ExpiresAt,
            body.ObtainedAt,
            body.Identity,
            body.AccountId);
    }

    public override void Write(Utf8JsonWriter writer, Credential value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, new Body(sealer.Seal(value.Secret), sealer.SealOrNull(value.AccessToken),
            value.ExpiresAt, value.ObtainedAt, value.Identity, value.AccountId));

    private sealed record Body(
        [property: JsonPropertyName("secret")] string? Secret,
        [property: JsonPropertyName("access_token")] string? AccessToken,
        [property: JsonPropertyName("expires_at")] DateTimeOffset? ExpiresAt,
        [property: JsonPropertyName("obtained_at")] DateTimeOffset? ObtainedAt,
        [property: JsonPropertyName("identity")] string? Identity,
        [property: JsonPropertyName("account_id")] string? AccountId);
}
