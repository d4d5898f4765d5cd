using Router.Tests.Fakes;

namespace Router.Tests.Cluster;

/// <summary>The fake vendor cluster tests call, listening where the nodes reach the host, and the config blocks naming it.</summary>
public static class ClusterFakes
{
    public const string GptRoute = "    - { pattern: \"^gpt-\", providers: [openai] }";

    /// <summary>An OpenAI fake that answers every call with a short completion.</summary>
    public static async Task<FakeUpstream> OpenAiAsync(ClusterEnvironment env)
    {
        var fake = await FakeUpstream.StartAsync(host: env.Network.HostAddress);
        fake.DefaultReply = OpenAiWire.Text("hello from the fake");
        return fake;
    }

    /// <summary>One openai provider with <paramref name="accounts"/> keys (sk-acct-1..N), each an account entity somewhere in the cluster.</summary>
    public static string OpenAiProvider(FakeUpstream upstream, int accounts, string extra = "") =>
        $"  openai: {{ type: openai, base_url: \"{upstream.BaseUrl}/v1\", timeout: 10, api_keys: [{string.Join(", ", Enumerable.Range(1, accounts).Select(i => $"sk-acct-{i}"))}]{extra} }}";
}
