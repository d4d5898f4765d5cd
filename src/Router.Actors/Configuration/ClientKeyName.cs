using System.Security.Cryptography;
using System.Text;

namespace Router.Actors.Configuration;

/// <summary>The name a plain string client key goes by: `key-` and 8 hex digits of its SHA-256, never the key itself.</summary>
public static class ClientKeyName
{
    public static string For(string key) =>
        "key-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..8];

    /// <summary>Names go into URLs, logs and metrics labels: letters, digits, '.', '_' and '-', at most 64.</summary>
    public static bool IsValid(string name) =>
        name.Length is > 0 and <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');
}
