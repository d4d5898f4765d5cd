namespace Router.Actors.Configuration;

/// <summary>`providers.NAME.http_version`: the HTTP version the router speaks to that provider's upstream.</summary>
public enum UpstreamHttpVersion
{
    /// <summary>`"1.1"` (default): HTTP/1.1, one connection per call in flight.</summary>
    Http11,
    /// <summary>`"2"`: HTTP/2 only; over http:// with prior knowledge (h2c), over https:// negotiated by ALPN. Many calls share one connection.</summary>
    Http2,
    /// <summary>`"auto"`: HTTP/2 where TLS negotiates it, HTTP/1.1 otherwise (and always over plain http://).</summary>
    Auto,
}

public static class UpstreamHttpVersions
{
    /// <summary>The values the config key takes, in the order messages list them.</summary>
    public static readonly string[] Names = ["1.1", "2", "auto"];

    public static UpstreamHttpVersion Parse(string name) => name switch
    {
        "2" => UpstreamHttpVersion.Http2,
        "auto" => UpstreamHttpVersion.Auto,
        _ => UpstreamHttpVersion.Http11,
    };

    /// <summary>True when calls to this upstream need no connection of their own each (HTTP/2 streams share one).</summary>
    public static bool Multiplexes(this UpstreamHttpVersion version, string baseUrl) => version switch
    {
        UpstreamHttpVersion.Http2 => true,
        UpstreamHttpVersion.Auto => baseUrl.StartsWith("https://", StringComparison.OrdinalIgnoreCase),
        _ => false,
    };
}
