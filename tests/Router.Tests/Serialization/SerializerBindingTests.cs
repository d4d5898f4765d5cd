using System.Reflection;
using Akka.Actor;
using Akka.Configuration;
using Router.Actors.Accounts;
using Router.Actors.Serialization;
using Router.Tests.Fakes;

namespace Router.Tests.Serialization;

/// <summary>
/// Every message and event type is bound to RouterSerializer under a manifest of the table (so Akka never
/// falls back to its default JSON with CLR type names), and released manifests never change.
/// </summary>
public sealed class SerializerBindingTests
{
    /// <summary>Namespaces whose records are messages or events (a new protocol namespace is added here).</summary>
    private static readonly string[] ProtocolNamespaces = ["Router.Actors.Accounts"];

    /// <summary>Records in those namespaces that are never stored nor sent, and why.</summary>
    private static readonly Dictionary<Type, string> NotMessages = new()
    {
        [typeof(AccountSpec)] = "an account's configuration, built on each node from its config",
        [typeof(TokenPolicy)] = "part of AccountSpec (holds the renewer)",
        [typeof(RenewOutcome)] = "a renewal's result, sent by an account to itself",
        [typeof(Renewed)] = "a renewal's result, sent by an account to itself",
        [typeof(RenewRefused)] = "a renewal's result, sent by an account to itself",
        [typeof(RenewFailed)] = "a renewal's result, sent by an account to itself",
    };

    private static IEnumerable<Type> ProtocolTypes()
    {
        var assembly = typeof(AccountActor).Assembly;
        var protocol = new[] { typeof(IAccountCommand), typeof(IAccountEvent), typeof(IRosterCommand), typeof(Router.Actors.SignIn.ISignInCommand) };
        return assembly.GetTypes().Where(t =>
            !t.IsAbstract && !NotMessages.ContainsKey(t) &&
            (protocol.Any(p => p.IsAssignableFrom(t)) ||
             (ProtocolNamespaces.Contains(t.Namespace) && IsPublic(t) && IsRecord(t))));
    }

    private static bool IsPublic(Type t) => t.IsPublic || (t.IsNestedPublic && IsPublic(t.DeclaringType!));

    private static bool IsRecord(Type t) => t.GetMethod("<Clone>$", BindingFlags.Public | BindingFlags.Instance) is not null;

    [Fact]
    public async Task Every_message_and_event_type_is_bound_to_the_router_serializer_with_a_manifest()
    {
        var system = ActorSystem.Create("bindings", ConfigurationFactory.ParseString(RouterSerializer.Hocon(TestConfig.NewAuthDir(), "a-cluster-secret-for-tests")));
        try
        {
            var types = ProtocolTypes().ToList();
            Assert.Contains(typeof(LeaseGranted), types);
            Assert.Contains(typeof(RosterActor.MemberJoined), types);
            var unbound = types.Where(t => system.Serialization.FindSerializerForType(t) is not RouterSerializer || Manifests.Table.ForType(t) is null).Select(t => t.FullName).ToList();
            Assert.True(unbound.Count == 0, "add to Router.Actors.Serialization.Manifests: " + string.Join(", ", unbound));
            Assert.All(Manifests.Table.Written, e => Assert.Contains(e.Type, types));
        }
        finally
        {
            await system.Terminate();
        }
    }

    [Fact]
    public void Released_manifests_never_change()
    {
        var released = File.ReadAllLines(Path.Combine(GoldenRows.Folder, "manifests.txt")).Where(l => l.Length > 0 && !l.StartsWith('#'));
        foreach (var manifest in released)
            Assert.True(Manifests.Table.ForManifest(manifest) is not null, $"manifest '{manifest}' was released: keep reading it (an Alias) or its rows no longer load");
    }
}
