namespace Router.Protocols.Relay;

/// <summary>
/// The message types of the relay protocol on /v1/ws (docs/aistudio.md), as CLIProxyAPI's workers
/// spell them: every message is <c>{"id", "type", "payload"}</c>. Shared by the router and its worker.
/// </summary>
public static class RelayTypes
{
    public const string HttpRequest = "http_request";
    public const string HttpResponse = "http_response";
    public const string StreamStart = "stream_start";
    public const string StreamChunk = "stream_chunk";
    public const string StreamEnd = "stream_end";
    public const string Error = "error";
    public const string Ping = "ping";
    public const string Pong = "pong";
    /// <summary>Ours: asks the worker to open a visible browser window for a manual sign-in.</summary>
    public const string Login = "login";

    /// <summary>Types after which nothing more is sent for a request id.</summary>
    public static bool IsFinal(string type) => type is HttpResponse or StreamEnd or Error;
}
