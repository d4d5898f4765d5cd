using System.Collections.Concurrent;
using Xunit.Abstractions;

namespace Router.Tests.BadInput;

/// <summary>
/// Ten thousand generated bad requests (fixed seed) across the four inbound formats, eight at a
/// time: never a 5xx, every error in the caller's format, no stack trace in the log, and the router
/// healthy afterwards. Prints how many answers of each status each format got.
/// </summary>
public sealed class BadInputRunTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Requests = 10_000;
    private const int Concurrency = 8;
    private readonly EchoRouter _echo = new();

    public Task InitializeAsync() => _echo.InitializeAsync();

    public Task DisposeAsync() => _echo.DisposeAsync();

    [Fact]
    public async Task Ten_thousand_bad_requests_get_clean_answers()
    {
        var generator = new BadRequests(seed: 20261201, maxBodyBytes: 1024 * 1024);
        var requests = Enumerable.Range(0, Requests).Select(generator.Next).ToArray();
        var counts = new ConcurrentDictionary<(Shape, int), int>();
        var problems = new ConcurrentQueue<string>();
        var next = -1;
        var watch = System.Diagnostics.Stopwatch.StartNew();

        await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < requests.Length)
            {
                var request = requests[i];
                var shape = CallerShape.ForPath(request.Path);
                var answer = await _echo.SendAsync(request.Wire, TimeSpan.FromSeconds(20));
                counts.AddOrUpdate((shape, answer.Status), 1, (_, n) => n + 1);
                if (answer.Status >= 500)
                    problems.Enqueue($"{answer.Status} for {request.Mutation} on {request.Path}: {answer.Body}");
                else if (answer.Status >= 400 && CallerShape.Problem(shape, answer.Status, answer.Body, answer.Headers.GetValueOrDefault("content-type")) is { } wrong)
                    problems.Enqueue($"{answer.Status} for {request.Mutation} on {request.Path}: {wrong}");
            }
        })));

        output.WriteLine($"{Requests} requests in {watch.Elapsed.TotalSeconds:0.0} s");
        foreach (var group in counts.GroupBy(c => c.Key.Item1).OrderBy(g => g.Key))
            output.WriteLine($"{group.Key}: " + string.Join(", ", group.OrderBy(c => c.Key.Item2).Select(c => $"{c.Key.Item2}×{c.Value}")));
        Assert.True(problems.IsEmpty, $"{problems.Count} bad answers, e.g.\n" + string.Join("\n", problems.OrderBy(p => p[0] == '5' ? 0 : 1).Take(10)));
        _echo.AssertLogClean();
        Assert.Equal("healthy", (await _echo.Router.HealthAsync())["router"]!.GetValue<string>());
    }
}
