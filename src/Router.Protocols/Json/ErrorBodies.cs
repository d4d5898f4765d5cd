using System.Text.Json.Nodes;
using Router.Protocols.Canonical;

namespace Router.Protocols.Json;

/// <summary>Reading an error answer that is not JSON of the expected shape: a short, safe message.</summary>
public static class ErrorBodies
{
    public static ErrorInfo Fallback(int status, string body) =>
        new(status, ErrorInfo.KindForStatus(status), body.Length == 0 ? $"Upstream answered HTTP {status}." : $"Upstream answered HTTP {status}: {JsonRead.Shorten(body, 300)}");

    public static JsonObject? TryParseObject(string body) => JsonRead.TryParse(body) as JsonObject;
}
