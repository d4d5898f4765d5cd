using System.Security.Cryptography;
using System.Text;

namespace Router.Actors.Configuration;

/// <summary>
/// The name a client key is known by in usage, metrics and traces: its configured name, or for a
/// plain string key "key-" and the first 8 hex digits of its SHA-256 (not the key, and not enough of
/// its hash to guess it). The key itself is never stored or shown.
/// </summary>
public static class ClientKeyName
{
    /// <summary>The name of requests made while no client key is configured.</summary>
    public const string Anonymous = "anonymous";

    public static string Derive(string key) =>
        "key-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)), 0, 4);

    /// <summary>Names go into URLs, logs and metrics labels: letters, digits, '.', '_' and '-', at most 64.</summary>
    public static bool IsValid(string name) =>
        name.Length is > 0 and <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');
}
