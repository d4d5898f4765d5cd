using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Akka;
using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.Sql;
using Router.Actors.Accounts;
using Router.Actors.Configuration;
using Router.Actors.Serialization;
using Router.Persistence;
using Router.Tests.Fakes;
using Router.Tests.SignIn;
using static Router.Tests.Fakes.TestConfig;

namespace Router.Tests.Security;

/// <summary>
/// No key, token or cookie the router handles is on disk in clear text (journal, snapshots, token files,
/// logs), every file it writes is 0600 and its directories 0700, and what it sealed reads back after a
/// restart — as do journals written before sealing existed.
/// </summary>
public sealed class SecretsAtRestTests
{
    private const UnixFileMode OwnerFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerDirectory = OwnerFile | UnixFileMode.UserExecute;

    [Fact]
    public async Task Keys_tokens_and_cookies_are_sealed_on_disk_every_file_is_0600_and_a_restart_decrypts_them()
    {
        var apiKey = "sk-distinct-" + Guid.NewGuid().ToString("N");
        await using var clerk = await FakeClerk.StartAsync();
        await using var engineLabs = await FakeUpstream.StartAsync();
        engineLabs.Authorize = c => clerk.IsValid(c.Request.Headers.Authorization.ToString().Replace("Bearer ", ""));
        engineLabs.Unauthorized = OpenAiWire.InvalidKey;
        engineLabs.DefaultReply = OpenAiWire.Text("hello from enginelabs");
        await using var h = await LlmuxHarness.StartAsync(config => config with
        {
            Logging = config.Logging with { RequestLog = true },
            Providers =
            [
                .. config.Providers.Select(p => p.Name == "backup" ? p with { ApiKeys = [apiKey] } : p),
                new ProviderConfig
                {
                    Name = "ctonew", Type = "ctonew", BaseUrl = engineLabs.BaseUrl, Timeout = 10,
                    Clerk = clerk.Config(), Models = ["ctonew-gpt-5"],
                },
            ],
            Models = config.Models with
            {
                Routing = [.. config.Models.Routing, Route("^plain-", "backup"), Route("^ctonew-", "ctonew")],
            },
        });
        var authDir = h.Config.Auth.Dir;

        h.OAuth.NextExpiresIn = 2; // the first Claude token lives 2 s: the timer renews it
        await AssertOkAsync(await h.SignInAsync("claude"));
        await AssertOkAsync(await h.SignInAsync("chatgpt", "bob@example.com"));
        await RouterUnderTest.EventuallyAsync(() => Task.FromResult(h.OAuth.RefreshCalls >= 1), "a renewal by timer", 10_000);
        var stored = await h.Router.Http.PostAsync("/v1/auth/ctonew", Integration.Json.Raw(new JsonObject { ["clerk_jwt_cookie"] = clerk.Cookie }.ToJsonString()));
        await AssertOkAsync(stored);
        await AssertAnswersAsync(h, apiKey);
        await h.Router.DisposeAsync();

        string[] secrets = [apiKey, clerk.Cookie, clerk.RotatingToken, .. clerk.IssuedJwts, .. h.OAuth.Issued];
        Assert.True(clerk.IssuedJwts.Any() && h.OAuth.Issued.Count >= 7, "the test used every kind of secret");
        var files = Directory.EnumerateFiles(authDir, "*", SearchOption.AllDirectories).ToList();
        Assert.Contains(files, f => Path.GetFileName(f) == PersistenceHocon.SqliteFileName);
        Assert.Contains(files, f => Path.GetFileName(f) == "router.log");
        Assert.Contains(files, f => Path.GetFileName(f).StartsWith("llmux-claude-"));
        Assert.Contains(files, f => Path.GetDirectoryName(f)!.EndsWith(SecretSealer.KeysDirectoryName));
        foreach (var file in files)
        {
            var bytes = File.ReadAllBytes(file);
            foreach (var secret in secrets)
            {
                Assert.False(Contains(bytes, secret), $"{Path.GetRelativePath(authDir, file)} holds a secret in clear text");
                Assert.False(Contains(bytes, Convert.ToBase64String(Encoding.UTF8.GetBytes(secret))), $"{Path.GetRelativePath(authDir, file)} holds a secret in base64");
            }
            Assert.True(File.GetUnixFileMode(file) == OwnerFile, $"{Path.GetRelativePath(authDir, file)} is {File.GetUnixFileMode(file)}");
        }
        foreach (var directory in Directory.EnumerateDirectories(authDir, "*", SearchOption.AllDirectories).Append(authDir))
            Assert.True(File.GetUnixFileMode(directory) == OwnerDirectory, $"{directory} is {File.GetUnixFileMode(directory)}");

        // The token file is readable JSON whose tokens the key ring on disk (not just this process's copy) decrypts.
        var tokenFile = files.Single(f => Path.GetFileName(f) == "llmux-chatgpt-bob@example.com.json");
        var json = JsonNode.Parse(File.ReadAllText(tokenFile))!;
        Assert.Equal("bob@example.com", json["email"]!.GetValue<string>());
        Assert.StartsWith(SecretSealer.Prefix, json["refresh_token"]!.GetValue<string>());
        var fromDisk = SecretSealer.Open(authDir);
        Assert.Contains(fromDisk.Unseal(json["refresh_token"]!.GetValue<string>()), h.OAuth.Issued);
        Assert.Equal(TokenFile.Read(tokenFile).AccessToken, fromDisk.Unseal(json["access_token"]!.GetValue<string>()));

        await h.StartRouterAsync();
        await AssertAnswersAsync(h, apiKey);
        h.AssertNoSecretLeaked();
    }

    private static async Task AssertOkAsync(HttpResponseMessage response) =>
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");

    /// <summary>Every account answers through its own vendor: Claude, ChatGPT, ctonew and the API key.</summary>
    private static async Task AssertAnswersAsync(LlmuxHarness h, string apiKey)
    {
        Assert.Contains("hello from claude", (await h.ChatAsync("claude-sonnet-4-5")).Body);
        Assert.Contains("hello from chatgpt", (await h.ChatAsync("gpt-5")).Body);
        Assert.Contains("hello from enginelabs", (await h.ChatAsync("ctonew-gpt-5")).Body);
        Assert.Contains("hello from backup", (await h.ChatAsync("plain-1")).Body);
        Assert.Equal("Bearer " + apiKey, h.Backup.LastRequest.Headers["authorization"]);
    }

    [Fact]
    public async Task A_journal_written_before_sealing_still_loads()
    {
        await using var clerk = await FakeClerk.StartAsync();
        await using var engineLabs = await FakeUpstream.StartAsync();
        engineLabs.DefaultReply = OpenAiWire.Text("hello from enginelabs");
        var config = Build([clerk.CtoNewProvider(engineLabs)], [Route("^ctonew-", "ctonew")]);
        var entity = AccountSpec.SignedInEntityId("ctonew", "sess_test1");

        // What the previous version wrote: Akka's default JSON, the cookie in clear.
        PersistenceHocon.EnsureAuthDirectory(config.Auth.Dir);
        using (var system = ActorSystem.Create("old", ConfigurationFactory.ParseString(PersistenceHocon.For("sqlite", config.Auth.Dir, ""))
                   .WithFallback(SqlPersistence.DefaultConfiguration)))
        {
            await PersistAsync(system, "roster-ctonew", new RosterActor.MemberJoined(new RosterMember(entity, "sess_test1")));
            var credential = new Credential(clerk.Cookie, Identity: "sess_test1");
            await PersistAsync(system, "account-" + entity, new CredentialStored(credential));
            await PersistAsync(system, "account-" + entity, new AccountState { Credential = credential });
            await system.Terminate();
        }
        Assert.Contains(DatabaseFiles(config.Auth.Dir), f => Contains(File.ReadAllBytes(f), clerk.Cookie));

        await using var router = await RouterUnderTest.StartAsync(config);
        var status = await router.Http.GetStringAsync("/v1/auth/ctonew/status");
        Assert.Contains("sess_test1", status);
        var answer = await router.Http.PostAsync("/v1/chat/completions", Integration.Json.Body("ctonew-gpt-5"));
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Contains("hello from enginelabs", await answer.Content.ReadAsStringAsync());
        Assert.True(clerk.Exchanges >= 1);
        // The router rewrote the old rows (roster event, credential event, snapshot) when it started, sealing the
        // credentials: the cookie has left the database file.
        Assert.Contains("Rewrote 3 stored rows", router.Log.All);
        Assert.DoesNotContain(DatabaseFiles(config.Auth.Dir), f => Contains(File.ReadAllBytes(f), clerk.Cookie));
    }

    private static IEnumerable<string> DatabaseFiles(string authDir) => Directory.EnumerateFiles(authDir, PersistenceHocon.SqliteFileName + "*");

    [Fact]
    public void A_key_ring_that_cannot_be_opened_is_tried_again_at_the_next_seal()
    {
        var authDir = Path.Combine(Path.GetTempPath(), "router-keyring-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(authDir);
        var blocker = Path.Combine(authDir, SecretSealer.KeysDirectoryName);
        File.WriteAllText(blocker, "a file where the key ring's directory goes");
        try
        {
            var sealer = SecretSealer.ForAuthDirectory(authDir); // the key ring is not opened yet
            Assert.ThrowsAny<IOException>(() => sealer.Seal("secret"));

            File.Delete(blocker);
            var sealedValue = sealer.Seal("secret");

            Assert.True(SecretSealer.IsSealed(sealedValue));
            Assert.Equal("secret", SecretSealer.Open(authDir).Unseal(sealedValue));
            Assert.Equal(OwnerDirectory, File.GetUnixFileMode(blocker));
        }
        finally
        {
            Directory.Delete(authDir, recursive: true);
        }
    }

    [Fact]
    public void A_token_file_written_before_sealing_still_reads_and_a_new_one_round_trips()
    {
        var dir = NewAuthDir();
        var old = Path.Combine(dir, "llmux-claude-old@example.com.json");
        File.WriteAllText(old, """{"email":"old@example.com","access_token":"at-plain","refresh_token":"rt-plain","expires_at":"2030-01-01T00:00:00.0000000+00:00","account_id":null}""");
        Assert.Equal(new Credential("rt-plain", "at-plain", DateTimeOffset.Parse("2030-01-01T00:00:00Z"), Identity: "old@example.com"), TokenFile.Read(old));

        var fresh = Path.Combine(dir, "llmux-chatgpt-new@example.com.json");
        var credential = new Credential("rt-" + Guid.NewGuid().ToString("N"), "at-" + Guid.NewGuid().ToString("N"), DateTimeOffset.Parse("2030-01-01T00:00:00Z"), Identity: "new@example.com", AccountId: "acct-1");
        TokenFile.Write(fresh, credential);
        Assert.Equal(credential, TokenFile.Read(fresh));
        Assert.False(Contains(File.ReadAllBytes(fresh), credential.Secret));
        Assert.Equal(OwnerFile, File.GetUnixFileMode(fresh));
    }

    [Fact]
    public void Files_an_older_version_left_readable_become_0600_when_the_router_starts()
    {
        var config = Build([], []);
        var readable = OwnerFile | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        string[] files =
        [
            Path.Combine(config.Auth.Dir, PersistenceHocon.SqliteFileName),
            Path.Combine(config.Auth.Dir, PersistenceHocon.SqliteFileName + "-wal"),
            Path.Combine(config.Auth.Dir, "llmux-claude-alice@example.com.json"),
            Path.Combine(config.Logging.Dir, "router.log"),
            Path.Combine(config.Logging.Dir, "router_001.log"),
        ];
        Directory.CreateDirectory(config.Logging.Dir);
        foreach (var file in files)
        {
            File.WriteAllText(file, "old");
            File.SetUnixFileMode(file, readable);
        }

        PersistenceHocon.EnsureAuthDirectory(config.Auth.Dir);
        var log = Router.Http.RouterLogFile.Create(config.Logging);
        log.Information("opened");
        ((IDisposable)log).Dispose();

        foreach (var file in files)
            Assert.True(File.GetUnixFileMode(file) == OwnerFile, $"{Path.GetFileName(file)} is {File.GetUnixFileMode(file)}");
        Assert.Equal(OwnerDirectory, File.GetUnixFileMode(config.Auth.Dir));
    }

    [Fact]
    public async Task Snapshots_are_sealed_and_another_key_ring_reads_them_as_a_sign_out()
    {
        var credential = new Credential("rt-" + Guid.NewGuid().ToString("N"), "at-" + Guid.NewGuid().ToString("N"), DateTimeOffset.UtcNow.AddHours(1), Identity: "alice@example.com");
        var state = new AccountState { Credential = credential, Counters = new AccountCounters(Requests: 5, Succeeded: 4) };

        var bytes = await WithSerializerAsync(NewAuthDir(), serializer =>
        {
            var written = serializer.ToBinary(state);
            Assert.Equal(state, serializer.FromBinary(written, serializer.Manifest(state)));
            return written;
        });
        Assert.False(Contains(bytes, credential.Secret));
        Assert.False(Contains(bytes, credential.AccessToken!));
        Assert.True(Contains(bytes, "alice@example.com"), "identity and counters stay readable");

        var elsewhere = await WithSerializerAsync(NewAuthDir(), serializer => (AccountState)serializer.FromBinary(bytes, serializer.Manifest(state)));
        Assert.Null(elsewhere.Credential);
        Assert.True(elsewhere.IsSignedOut);
        Assert.Equal(AccountHealth.Unauthenticated, elsewhere.Health);
    }

    private static async Task<T> WithSerializerAsync<T>(string authDir, Func<Akka.Serialization.SerializerWithStringManifest, T> use)
    {
        var system = ActorSystem.Create("sealing", ConfigurationFactory.ParseString(RouterSerializer.Hocon(authDir)));
        try
        {
            var serializer = system.Serialization.FindSerializerFor(new AccountState());
            Assert.IsType<RouterSerializer>(serializer);
            return use((Akka.Serialization.SerializerWithStringManifest)serializer);
        }
        finally
        {
            await system.Terminate();
        }
    }

    private static bool Contains(byte[] haystack, string needle) =>
        haystack.AsSpan().IndexOf(Encoding.UTF8.GetBytes(needle)) >= 0;

    private static async Task PersistAsync(ActorSystem system, string persistenceId, object e)
    {
        var writer = system.ActorOf(Props.Create(() => new OldWriter(persistenceId)));
        await writer.Ask<Done>(e, TimeSpan.FromSeconds(20));
        await writer.GracefulStop(TimeSpan.FromSeconds(5));
    }

    /// <summary>Persists what it is sent (an account state as a snapshot), as the previous version's actors did.</summary>
    private sealed class OldWriter : ReceivePersistentActor
    {
        private IActorRef _snapshotFor = ActorRefs.Nobody;

        public override string PersistenceId { get; }

        public OldWriter(string persistenceId)
        {
            PersistenceId = persistenceId;
            Command<AccountState>(state => { _snapshotFor = Sender; SaveSnapshot(state); });
            Command<SaveSnapshotSuccess>(_ => _snapshotFor.Tell(Done.Instance));
            CommandAny(e => Persist(e, _ => Sender.Tell(Done.Instance)));
        }
    }
}
