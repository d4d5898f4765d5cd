using System.Runtime.Serialization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Akka.Actor;
using Akka.Event;
using Akka.Serialization;
using Router.Actors.Accounts;
using Router.Persistence;

namespace Router.Actors.Hosting;

/// <summary>
/// How the journal and the snapshot store write what holds a credential (CredentialStored events,
/// AccountState snapshots): JSON whose secret fields are sealed with the auth dir's key ring
/// (<see cref="SealedCredentialJson"/>). Rows written before this serializer existed carry Akka's
/// JSON serializer id and are still read by it. A credential sealed with a key ring this router does
/// not have reads as a sign-out, so the account asks for a new sign-in instead of failing to start.
/// </summary>
public sealed class SealedAccountSerializer : SerializerWithStringManifest
{
    public const int Id = 7401;
    private const string AuthDirSetting = "router.secrets.auth-dir";
    private const string CredentialStoredManifest = "CredentialStored.v1";
    private const string AccountStateManifest = "AccountState.v1";
    private const string Undecryptable = "the stored credential could not be decrypted (key ring missing or replaced): sign in again";

    private readonly JsonSerializerOptions _json;

    public SealedAccountSerializer(ExtendedActorSystem system) : base(system)
    {
        var sealer = SecretSealer.ForAuthDirectory(system.Settings.Config.GetString(AuthDirSetting));
        _json = new JsonSerializerOptions { Converters = { new SealedCredentialJson(sealer), new JsonStringEnumConverter() } };
    }

    public override int Identifier => Id;

    /// <summary>The types whose stored form holds a credential.</summary>
    public static readonly Type[] SealedTypes = [typeof(CredentialStored), typeof(AccountState)];

    /// <summary>The Akka settings that bind the sealed types to this serializer, for the key ring of <paramref name="authDir"/>.</summary>
    public static string Hocon(string authDir)
    {
        var self = AkkaTypeName(typeof(SealedAccountSerializer));
        return $$"""
            router.secrets.auth-dir = {{PersistenceHocon.Quote(Path.GetFullPath(authDir))}}
            akka.actor {
              serializers.router-sealed = {{self}}
              serialization-identifiers { {{self}} = {{Id}} }
              serialization-bindings {
                {{string.Join("\n", SealedTypes.Select(t => AkkaTypeName(t) + " = router-sealed"))}}
              }
            }
            """;
    }

    /// <summary>"Namespace.Type, Assembly", quoted: how Akka's settings name a type.</summary>
    private static string AkkaTypeName(Type type) => PersistenceHocon.Quote($"{type.FullName}, {type.Assembly.GetName().Name}");

    public override string Manifest(object o) => o switch
    {
        CredentialStored => CredentialStoredManifest,
        AccountState => AccountStateManifest,
        _ => throw new ArgumentException($"{o.GetType().Name} is not sealed by this serializer"),
    };

    public override byte[] ToBinary(object obj) => JsonSerializer.SerializeToUtf8Bytes(obj, obj.GetType(), _json);

    public override object FromBinary(byte[] bytes, string manifest)
    {
        try
        {
            return manifest switch
            {
                CredentialStoredManifest => JsonSerializer.Deserialize<CredentialStored>(bytes, _json)!,
                AccountStateManifest => JsonSerializer.Deserialize<AccountState>(bytes, _json)!,
                _ => throw new SerializationException($"unknown manifest '{manifest}'"),
            };
        }
        catch (CryptographicException)
        {
            system.Log.Warning("An account's {0}", Undecryptable);
            return manifest == CredentialStoredManifest
                ? new SignedOut(Undecryptable)
                : new AccountState().Apply(new SignedOut(Undecryptable));
        }
    }
}
