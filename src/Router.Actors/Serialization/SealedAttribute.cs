using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Router.Persistence;

namespace Router.Actors.Serialization;

/// <summary>
/// A string property that holds a secret (an API key, a token): RouterSerializer writes it sealed
/// (with cluster.secret between nodes, with the key ring at rest) and reads it back in clear.
/// On a record, put it on the property: <c>[property: Sealed] string Credential</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SealedAttribute : Attribute
{
    /// <summary>A JSON contract modifier that seals every [Sealed] string property with <paramref name="sealing"/>.</summary>
    public static Action<JsonTypeInfo> Modifier(ISecretSealing sealing)
    {
        var converter = new SealedString(sealing);
        return info =>
        {
            foreach (var property in info.Properties)
                if (property.PropertyType == typeof(string) && property.AttributeProvider?.IsDefined(typeof(SealedAttribute), inherit: false) == true)
                    property.CustomConverter = converter;
        };
    }

    private sealed class SealedString(ISecretSealing sealing) : JsonConverter<string>
    {
        public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.GetString() is { } value ? sealing.Unseal(value) : null;

        public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) =>
            writer.WriteStringValue(sealing.Seal(value));
    }
}
