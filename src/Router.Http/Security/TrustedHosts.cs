using System.Net;
using System.Net.Sockets;
using Router.Actors.Configuration;

namespace Router.Http.Security;

/// <summary>
/// The Host names the router answers to, its defence against DNS rebinding (a page whose own name
/// now resolves to 127.0.0.1 reaches the router as "same origin", but its Host is still that name).
/// Accepted on any port: loopback names (localhost, *.localhost), IP addresses (a rebinding needs a
/// DNS name), server.host, and each server.allowed_hosts entry. An entry is `name` (any port),
/// `name:port` (that port only), or `.name` / `*.name` (the name and all its subdomains, any port).
/// </summary>
public sealed class TrustedHosts
{
    private readonly HashSet<string> _anyPort = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _withPort = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _domains = [];

    public TrustedHosts(ServerConfig server)
    {
        if (server.Host != "*") _anyPort.Add(Name(server.Host));
        foreach (var entry in server.AllowedHosts)
        {
            var host = new HostString(entry.Trim());
            var name = Name(host.Host);
            if (name.StartsWith("*.", StringComparison.Ordinal)) name = name[1..];
            if (name.StartsWith('.')) _domains.Add(name);
            else if (host.Port is { } port) _withPort.Add($"{name}:{port}");
            else _anyPort.Add(name);
        }
    }

    public bool Allows(HostString host)
    {
        if (!host.HasValue) return false;
        var name = Name(host.Host);
        if (name.Length == 0) return false;
        if (IsLoopbackName(name) || IsIpAddress(name) || _anyPort.Contains(name)) return true;
        if (host.Port is { } port && _withPort.Contains($"{name}:{port}")) return true;
        return _domains.Any(d => name.EndsWith(d, StringComparison.OrdinalIgnoreCase) || string.Equals(name, d[1..], StringComparison.OrdinalIgnoreCase));
    }

    private static string Name(string host) => host.Trim().TrimEnd('.').ToLowerInvariant();

    private static bool IsLoopbackName(string name) => name == "localhost" || name.EndsWith(".localhost", StringComparison.Ordinal);

    // Only the canonical spelling counts: browsers normalise 0x7f.1 and friends before they send a Host.
    private static bool IsIpAddress(string name)
    {
        if (name.StartsWith('[') && name.EndsWith(']'))
            return IPAddress.TryParse(name[1..^1], out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6;
        return IPAddress.TryParse(name, out var v4) && v4.AddressFamily == AddressFamily.InterNetwork && v4.ToString() == name;
    }
}
