using System.Text.Json.Nodes;

namespace Router.Protocols.Tests.Support;

internal static class JsonAssert
{
    /// <summary>Structural equality (key order ignored), with both documents in the failure message.</summary>
    public static void Equal(string expected, JsonNode? actual)
    {
        var e = JsonNode.Parse(expected);
        var a = actual is null ? null : JsonNode.Parse(actual.ToJsonString());
        if (!JsonNode.DeepEquals(e, a))
            Assert.Fail($"JSON differs.\nExpected: {e?.ToJsonString()}\nActual:   {a?.ToJsonString()}");
    }

    public static void Equal(string expected, string actualText) => Equal(expected, JsonNode.Parse(actualText));

    public static JsonObject Obj(string json) => JsonNode.Parse(json)!.AsObject();
}
