using System.Runtime.Serialization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Akka.Actor;
using Akka.Event;
using Akka.Serialization;
using Router.Actors.Accounts;
using Router.Persistence;

namespace Router.Actors.Serialization;

/// <summary>
/// How the router writes everything it stores (account and roster events, account snapshots) and every
/// message that may cross nodes: System.Text.Json under the stable manifests of <see cref="Manifests"/>,
/// never a CLR type name. Secrets are sealed: at rest with the auth dir's key ring (a credential sealed
/// with a key ring this router does not have reads as a sign-out), between nodes with cluster.secret (a
/// message sealed under another secret is refused). Rows an earlier version wrote with Akka's default
/// JSON (serializer id 1, the CLR type name in the payload) are still read by that serializer, and
/// rewritten into this format at start-up (LegacyRowRewriting).
/// </summary>
public sealed class RouterSerializer : SerializerWithStringManifest
{
    // Kept from the serializer that sealed credentials before this one: its rows ("CredentialStored.v1",
    // "AccountState.v1") are read as aliases.
    public const int Id = 7401;
    private const string AuthDirSetting = "router.secrets.auth-dir";
    private const string ClusterSecretSetting = "router.secrets.cluster-secret";
    private const string Undecryptable = "the stored credential could not be decrypted (key ring missing or replaced): sign in again";

    private readonly ManifestTable _table = Manifests.Table;
    private readonly JsonSerializerOptions _atRest;
    private readonly JsonSerializerOptions _betweenNodes;

    public RouterSerializer(ExtendedActorSystem system) : base(system)
    {
        var config = system.Settings.Config;
        var keyRing = SecretSealer.ForAuthDirectory(config.GetString(AuthDirSetting));
        _atRest = Options(keyRing, new SealedCredentialJson(keyRing));
        _betweenNodes = Options(ClusterSecret.From(config.GetString(ClusterSecretSetting, "")));
    }

    private static JsonSerializerOptions Options(ISecretSealing sealing, params JsonConverter[] converters)
    {
        var options = new JsonSerializerOptions
        {
            PropertyNameCaseInsensitive = true,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { SealedAttribute.Modifier(sealing) } },
        };
        foreach (var converter in converters) options.Converters.Add(converter);
        options.Converters.Add(new JsonStringEnumConverter());
        return options;
    }

    public override int Identifier => Id;

    /// <summary>The Akka settings that bind every type of the table (and, as a safety net, the protocol
    /// interfaces) to this serializer, with the key ring of <paramref name="authDir"/> and the cluster secret.</summary>
    public static string Hocon(string authDir, string clusterSecret = "")
    {
        var self = AkkaTypeName(typeof(RouterSerializer));
        var bound = Manifests.Table.Written.Select(e => e.Type)
            .Concat([typeof(IAccountEvent), typeof(IAccountCommand), typeof(IRosterCommand), typeof(SignIn.ISignInCommand)]);
        return $$"""
            router.secrets {
              auth-dir = {{PersistenceHocon.Quote(Path.GetFullPath(authDir))}}
              cluster-secret = {{PersistenceHocon.Quote(clusterSecret)}}
            }
            akka.actor {
              serializers.router = {{self}}
              serialization-identifiers { {{self}} = {{Id}} }
              serialization-bindings {
                {{string.Join("\n", bound.Select(t => AkkaTypeName(t) + " = router"))}}
              }
            }
            """;
    }

    /// <summary>"Namespace.Type, Assembly", quoted: how Akka's settings name a type.</summary>
    private static string AkkaTypeName(Type type) => PersistenceHocon.Quote($"{type.FullName}, {type.Assembly.GetName().Name}");

    private ManifestTable.Entry EntryFor(object o) => _table.ForType(o.GetType())
        ?? throw new SerializationException($"{o.GetType().Name} has no manifest: add it to Router.Actors.Serialization.Manifests");

    public override string Manifest(object o) => EntryFor(o).Manifest;

    public override byte[] ToBinary(object obj)
    {
        var entry = EntryFor(obj);
        return JsonSerializer.SerializeToUtf8Bytes(obj, entry.Type, entry.Stored ? _atRest : _betweenNodes);
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        var entry = _table.ForManifest(manifest) ?? throw new SerializationException($"unknown manifest '{manifest}'");
        try
        {
            return JsonSerializer.Deserialize(bytes, entry.Type, entry.Stored ? _atRest : _betweenNodes)
                   ?? throw new SerializationException($"a '{manifest}' payload is null");
        }
        catch (CryptographicException) when (entry.Stored)
        {
            system.Log.Warning("An account's {0}", Undecryptable);
            return entry.Type == typeof(CredentialStored)
                ? new SignedOut(Undecryptable)
                : new AccountState().Apply(new SignedOut(Undecryptable));
        }
        catch (CryptographicException)
        {
            const string why = "its secret was sealed with another cluster.secret (every node of a cluster needs the same cluster.secret)";
            system.Log.Error("A '{0}' message from another node was refused: {1}", manifest, why);
            throw new SerializationException($"a '{manifest}' message was refused: {why}");
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException or FormatException)
        {
            throw new SerializationException($"a '{manifest}' payload cannot be read: {e.Message}", e);
        }
    }
}
