using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Router.Protocols.Json;

/// <summary>
/// A JSON tree as UTF-8 bytes, written into a buffer of its own rather than JsonSerializer's
/// shared-pool buffers: a body of many megabytes otherwise leaves 32 MB, 16 MB, ... arrays cached in
/// the pool on every thread that ever wrote one, and the process never shrinks back.
/// </summary>
public static class JsonBytes
{
    public static byte[] Serialize(JsonNode node)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer)) node.WriteTo(writer);
        return buffer.WrittenSpan.ToArray();
    }
}
