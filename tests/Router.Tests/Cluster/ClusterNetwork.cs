namespace Router.Tests.Cluster;

/// <summary>Where one node lives: its address, and (when isolated) its network namespace and the host end of its veth pair.</summary>
public sealed record NodeAddress(string Address, string? Namespace, string? HostLink);

/// <summary>
/// The test network: a Linux bridge with an address on the host (fakes and PostgreSQL listen there)
/// and, per node, a network namespace joined to the bridge by a veth pair, so every node has its own
/// IP and a link a test can cut. All names carry a random suffix; everything made is removed on
/// dispose. Where namespaces cannot be made (not root, no `ip`), nodes use 127.0.0.x addresses
/// instead and <see cref="Fallback"/> says why (links cannot be cut then).
/// </summary>
public sealed class ClusterNetwork : IAsyncDisposable
{
    private readonly string _suffix = Guid.NewGuid().ToString("N")[..6];
    private readonly string? _bridge;
    private readonly string _prefix;
    private readonly List<NodeAddress> _nodes = [];
    private int _next = 10;

    /// <summary>The address nodes reach the host at (fakes, PostgreSQL).</summary>
    public string HostAddress { get; }

    /// <summary>Null when nodes have namespaces of their own; otherwise why not.</summary>
    public string? Fallback { get; }

    public bool Isolated => Fallback is null;

    private ClusterNetwork(string? bridge, string prefix, string hostAddress, string? fallback) =>
        (_bridge, _prefix, HostAddress, Fallback) = (bridge, prefix, hostAddress, fallback);

    public static async Task<ClusterNetwork> CreateAsync()
    {
        if (!Shell.IsRoot) return Loopback("not running as root");
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var bridge = "rb" + suffix;
        try
        {
            var prefix = await FreeSubnetAsync();
            (await Shell.RunAsync("ip", "link", "add", bridge, "type", "bridge")).Check("ip link add bridge");
            var network = new ClusterNetwork(bridge, prefix, prefix + "1", null);
            (await Shell.RunAsync("ip", "addr", "add", prefix + "1/24", "dev", bridge)).Check("ip addr add");
            (await Shell.RunAsync("ip", "link", "set", bridge, "up")).Check("ip link set bridge up");
            return network;
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            await Shell.RunAsync("ip", "link", "del", bridge);
            return Loopback(e.Message);
        }
    }

    private static ClusterNetwork Loopback(string why) =>
        new(null, "127.0.0.", "127.0.0.1", $"network namespaces unavailable ({why}): nodes run on 127.0.0.x addresses");

    /// <summary>A 10.x.y.0/24 no interface on this machine uses.</summary>
    private static async Task<string> FreeSubnetAsync()
    {
        var used = (await Shell.RunAsync("ip", "-4", "addr")).Check("ip -4 addr").Output;
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var prefix = $"10.{Random.Shared.Next(100, 200)}.{Random.Shared.Next(0, 256)}.";
            if (!used.Contains(" " + prefix, StringComparison.Ordinal)) return prefix;
        }
        throw new InvalidOperationException("no free 10.x.y.0/24 subnet");
    }

    /// <summary>A new node's address (and namespace, when isolated).</summary>
    public async Task<NodeAddress> AddNodeAsync()
    {
        var n = Interlocked.Increment(ref _next);
        var address = _prefix + n;
        if (!Isolated)
        {
            var loopback = new NodeAddress(address, null, null);
            lock (_nodes) _nodes.Add(loopback);
            return loopback;
        }
        var ns = $"rn{_suffix}{n}";
        var host = $"rh{_suffix}{n}";
        var peer = $"rp{_suffix}{n}";
        var node = new NodeAddress(address, ns, host);
        lock (_nodes) _nodes.Add(node);
        (await Shell.RunAsync("ip", "netns", "add", ns)).Check("ip netns add");
        (await Shell.RunAsync("ip", "link", "add", host, "type", "veth", "peer", "name", peer)).Check("ip link add veth");
        (await Shell.RunAsync("ip", "link", "set", peer, "netns", ns)).Check("ip link set netns");
        (await Shell.RunAsync("ip", "link", "set", host, "master", _bridge!, "up")).Check("ip link set master");
        (await Shell.RunAsync("ip", "netns", "exec", ns, "ip", "addr", "add", address + "/24", "dev", peer)).Check("ip addr add in namespace");
        (await Shell.RunAsync("ip", "netns", "exec", ns, "ip", "link", "set", peer, "up")).Check("ip link set peer up");
        (await Shell.RunAsync("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up")).Check("ip link set lo up");
        return node;
    }

    /// <summary>The command line that runs a program inside the node's namespace (as it is, when not isolated).</summary>
    public static IEnumerable<string> Wrap(NodeAddress node, string program, IEnumerable<string> args) =>
        node.Namespace is null ? args.Prepend(program) : new[] { "ip", "netns", "exec", node.Namespace, program }.Concat(args);

    /// <summary>Cuts the node off the network (its host link goes down): a partition.</summary>
    public async Task CutAsync(NodeAddress node) => (await Shell.RunAsync("ip", "link", "set", Link(node), "down")).Check("ip link set down");

    public async Task RestoreAsync(NodeAddress node) => (await Shell.RunAsync("ip", "link", "set", Link(node), "up")).Check("ip link set up");

    private string Link(NodeAddress node) =>
        node.HostLink ?? throw new InvalidOperationException(Fallback ?? "the node has no link of its own");

    /// <summary>Removes the node's namespace (its veth pair goes with it).</summary>
    public async Task RemoveAsync(NodeAddress node)
    {
        lock (_nodes) _nodes.Remove(node);
        if (node.Namespace is not null) await Shell.RunAsync("ip", "netns", "del", node.Namespace);
        if (node.HostLink is not null) await Shell.RunAsync("ip", "link", "del", node.HostLink);
    }

    public async ValueTask DisposeAsync()
    {
        NodeAddress[] left;
        lock (_nodes) left = _nodes.ToArray();
        foreach (var node in left) await RemoveAsync(node);
        if (_bridge is not null) await Shell.RunAsync("ip", "link", "del", _bridge);
    }
}
