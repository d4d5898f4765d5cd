using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Router.Tests.Cluster;

/// <summary>
/// Chat requests sent round-robin to a set of nodes, a few at a time, until stopped; every answer
/// is recorded (node, when, status) so a test can count failures and see when a node's accounts
/// answered again.
/// </summary>
public sealed class ClusterLoad : IAsyncDisposable
{
    public sealed record Answer(string Node, TimeSpan At, HttpStatusCode? Status, string Detail);

    private readonly CancellationTokenSource _stop = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Task[] _workers;

    public ConcurrentQueue<Answer> Answers { get; } = new();

    public TimeSpan Now => _clock.Elapsed;

    /// <param name="targets">Nodes to send to; a worker skips nodes for which <paramref name="include"/> says no (e.g. a killed node).</param>
    public ClusterLoad(IReadOnlyList<ClusterNode> targets, Func<ClusterNode, bool> include, string model, int workersPerNode = 2)
    {
        _workers = targets.SelectMany(node => Enumerable.Range(0, workersPerNode).Select(_ => Task.Run(() => RunAsync(node, include, model)))).ToArray();
    }

    public static async Task<(HttpStatusCode? Status, string Detail)> SendAsync(ClusterNode node, string model, CancellationToken cancel = default)
    {
        try
        {
            using var response = await node.Http.PostAsJsonAsync("/v1/chat/completions",
                new JsonObject { ["model"] = model, ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "hi" }) }, cancel);
            var body = await response.Content.ReadAsStringAsync(cancel);
            return (response.StatusCode, response.IsSuccessStatusCode ? "" : body.Length > 200 ? body[..200] : body);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return (null, e.GetType().Name + ": " + e.Message);
        }
    }

    private async Task RunAsync(ClusterNode node, Func<ClusterNode, bool> include, string model)
    {
        while (!_stop.IsCancellationRequested)
        {
            if (!include(node))
            {
                await Task.Delay(50);
                continue;
            }
            var (status, detail) = await SendAsync(node, model, _stop.Token);
            if (_stop.IsCancellationRequested && status is null) return;
            Answers.Enqueue(new Answer(node.Name, _clock.Elapsed, status, detail));
        }
    }

    public IReadOnlyList<Answer> Failed(Func<Answer, bool>? where = null) =>
        Answers.Where(a => a.Status != HttpStatusCode.OK && (where?.Invoke(a) ?? true)).ToList();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_workers);
        _stop.Dispose();
    }
}
