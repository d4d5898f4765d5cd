using System.Text;
using Router.Actors.Accounts;
using Router.Actors.Dispatch;
using Router.Protocols.Canonical;

namespace Router.Tests.Faults;

/// <summary>The masker every upstream body passes before it reaches a client.</summary>
public sealed class CredentialMaskerTests
{
    private static readonly CredentialMasker Masker = CredentialMasker.For(
        new Lease("l", "p#1-a", "p#1", "sk-secret-key-123", new Dictionary<string, string> { ["chatgpt-account-id"] = "acct-777777" }),
        new Dictionary<string, string> { ["Cookie"] = "session=abcdef", ["x-flag"] = "1" });

    [Fact]
    public void Every_credential_of_the_account_is_masked_in_text_bytes_and_errors()
    {
        Assert.Equal("you sent 'Bearer ***' for *** with ***", Masker.Apply("you sent 'Bearer sk-secret-key-123' for acct-777777 with session=abcdef"));
        Assert.Equal("key ***, ***", Encoding.UTF8.GetString(Masker.Apply(Encoding.UTF8.GetBytes("key sk-secret-key-123, sk-secret-key-123"))));
        var error = Masker.Apply(new ErrorInfo(400, ErrorKind.InvalidRequest, "bad key sk-secret-key-123", Param: "acct-777777"));
        Assert.Equal(("bad key ***", "***"), (error.Message, error.Param));
    }

    [Fact]
    public void Short_values_are_left_alone_and_clean_bodies_are_not_copied()
    {
        var body = Encoding.UTF8.GetBytes("""{"n":1}""");
        Assert.Same(body, Masker.Apply(body));
    }

    [Fact]
    public async Task A_secret_split_between_two_chunks_is_masked_whole()
    {
        var chunks = new[] { "data: {\"error\":\"Bearer sk-sec", "ret-key-123\"}\n\n", "data: [DONE]\n\n" }
            .Select(c => (ReadOnlyMemory<byte>)Encoding.UTF8.GetBytes(c));

        var joined = new StringBuilder();
        await foreach (var chunk in Masker.Apply(Async(chunks)))
            joined.Append(Encoding.UTF8.GetString(chunk.Span));

        Assert.Equal("data: {\"error\":\"Bearer ***\"}\n\ndata: [DONE]\n\n", joined.ToString());
    }

    private static async IAsyncEnumerable<ReadOnlyMemory<byte>> Async(IEnumerable<ReadOnlyMemory<byte>> chunks)
    {
        foreach (var chunk in chunks)
        {
            await Task.Yield();
            yield return chunk;
        }
    }
}
