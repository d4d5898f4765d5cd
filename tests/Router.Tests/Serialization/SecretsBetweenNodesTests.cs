using System.Runtime.Serialization;
using System.Text;
using Akka.Actor;
using Akka.Configuration;
using Router.Actors.Accounts;
using Router.Actors.Serialization;
using Router.Tests.Fakes;

namespace Router.Tests.Serialization;

/// <summary>
/// No credential crosses nodes in clear: a lease's key or token and a credential being stored are
/// sealed with cluster.secret by Akka's own serialization pipeline, unsealed on the receiving node,
/// and refused by a node with another secret. Two actor systems talk over remoting through a TCP
/// forwarder that records every byte: the lease works, the capture holds no key.
/// </summary>
public sealed class SecretsBetweenNodesTests
{
    private const string Secret = "correct horse battery staple, the cluster's own";
    private static readonly string ApiKey = "sk-proj-" + Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N");

    private static ActorSystem System(string name, string secret, string remoting = "") =>
        ActorSystem.Create(name, ConfigurationFactory.ParseString(remoting)
            .WithFallback(ConfigurationFactory.ParseString(RouterSerializer.Hocon(TestConfig.NewAuthDir(), secret)))
            .WithFallback(ConfigurationFactory.ParseString("""
                akka.loglevel = WARNING
                akka.persistence.journal.plugin = "akka.persistence.journal.inmem"
                akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
                """)));

    private static (byte[] Bytes, int Id, string Manifest) Serialize(ActorSystem system, object message)
    {
        var serializer = system.Serialization.FindSerializerFor(message);
        Assert.IsType<RouterSerializer>(serializer);
        return (serializer.ToBinary(message), serializer.Identifier, Akka.Serialization.Serialization.ManifestFor(serializer, message));
    }

    [Fact]
    public async Task A_lease_and_a_credential_are_sealed_by_the_serialization_pipeline_and_only_the_same_secret_opens_them()
    {
        var sender = System("sender", Secret);
        var receiver = System("receiver", Secret);
        var stranger = System("stranger", "another secret entirely, not the cluster's");
        try
        {
            var lease = new LeaseGranted(new Lease("lease-1", "openai#1-abc", "openai#1", ApiKey), null, 42);
            var credential = new StoreCredential("claude@x", new Credential("rt-" + ApiKey, "at-" + ApiKey, DateTimeOffset.UtcNow.AddHours(1), Identity: "alice@example.com"), "claude#1");
            foreach (var message in new object[] { lease, credential })
            {
                var (bytes, id, manifest) = Serialize(sender, message);
                Assert.False(Contains(bytes, ApiKey), $"{manifest} carries the key in clear");
                Assert.False(Contains(bytes, Convert.ToBase64String(Encoding.UTF8.GetBytes(ApiKey))), $"{manifest} carries the key in base64");
                Assert.Equal(message, receiver.Serialization.Deserialize(bytes, id, manifest));
                Assert.Throws<SerializationException>(() => stranger.Serialization.Deserialize(bytes, id, manifest));
            }
            Assert.Equal("account.lease-granted.v1", Serialize(sender, lease).Manifest);
        }
        finally
        {
            await Task.WhenAll(sender.Terminate(), receiver.Terminate(), stranger.Terminate());
        }
    }

    /// <summary>Remoting on <paramref name="port"/>, advertised at the capture's port so every peer goes through it.</summary>
    private static string Remoting(int port, TcpCapture capture) => $$"""
        akka.actor.provider = remote
        akka.remote.dot-netty.tcp {
          hostname = 127.0.0.1
          port = {{port}}
          public-hostname = 127.0.0.1
          public-port = {{capture.Port}}
        }
        """;

    [Fact]
    public async Task A_lease_crosses_two_actor_systems_and_a_capture_of_the_link_holds_no_key()
    {
        await using var toA = new TcpCapture { Target = TestConfig.FreePort() };
        await using var toB = new TcpCapture { Target = TestConfig.FreePort() };
        var a = System("a", Secret, Remoting(toA.Target, toA));
        var b = System("b", Secret, Remoting(toB.Target, toB));
        try
        {
            var spec = new AccountSpec("openai", 1, ApiKey, 1, TimeSpan.FromSeconds(30));
            a.ActorOf(Props.Create(() => new AccountActor(spec, TimeSpan.FromMinutes(5), null)), "account");
            var account = await b.ActorSelection($"akka.tcp://a@127.0.0.1:{toA.Port}/user/account").ResolveOne(TimeSpan.FromSeconds(15));

            // One requester that lives on (as a node's lease inbox does): the account gives back the slots of a requester that stops.
            using var requester = Inbox.Create(b);
            requester.Send(account, new AcquireLease(spec.EntityId, 5));
            var granted = Assert.IsType<LeaseGranted>(await requester.ReceiveAsync(TimeSpan.FromSeconds(15)));
            Assert.Equal((ApiKey, 5L, 1), (granted.Lease.Credential, granted.CorrelationId, granted.Snapshot!.InFlight));
            requester.Send(account, new AcquireLease(spec.EntityId, 6));
            var denied = Assert.IsType<LeaseDenied>(await requester.ReceiveAsync(TimeSpan.FromSeconds(15)));
            Assert.Equal(DenyReason.Busy, denied.Reason);
            requester.Send(account, new ReportOutcome(spec.EntityId, granted.Lease.LeaseId, CallOutcome.Success));
            var recorded = Assert.IsType<OutcomeRecorded>(await requester.ReceiveAsync(TimeSpan.FromSeconds(15)));
            Assert.Equal(0, recorded.Snapshot.InFlight);

            var captured = toA.Captured.Concat(toB.Captured).ToArray();
            Assert.True(Contains(captured, "account.lease-granted.v1"), "the grant went through the capture");
            Assert.True(Contains(captured, "openai#1"), "the capture reads the unsealed fields (so it would see a key in clear)");
            Assert.False(Contains(captured, ApiKey), "the capture holds the key in clear");
            Assert.False(Contains(captured, Convert.ToBase64String(Encoding.UTF8.GetBytes(ApiKey))), "the capture holds the key in base64");
        }
        finally
        {
            await Task.WhenAll(a.Terminate(), b.Terminate());
        }
    }

    private static bool Contains(byte[] haystack, string needle) => haystack.AsSpan().IndexOf(Encoding.UTF8.GetBytes(needle)) >= 0;
}
