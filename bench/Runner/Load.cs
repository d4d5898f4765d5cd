using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Text;

namespace Bench;

/// <summary>One thing to send chat completions to: a URL, a model and the headers it needs.</summary>
sealed record Target(string Key, string Label, string Url, string Model, Dictionary<string, string> Headers, string FakeCounter);

/// <summary>The figures of one (target, mode, load) run. Latencies in ms; for streams Latency = time to last token.</summary>
sealed class RunResult
{
    public string Target { get; set; } = "";
    public string Mode { get; set; } = "";          // json | stream
    public string Load { get; set; } = "";          // c1 | c64 | c512 | open500
    public int Concurrency { get; set; }
    public double? Rate { get; set; }
    public double Seconds { get; set; }
    public long Ok { get; set; }
    public long Errors { get; set; }
    public double Rps { get; set; }
    public double? P50 { get; set; }
    public double? P99 { get; set; }
    public double? TtftP50 { get; set; }
    public double? TtftP99 { get; set; }
    public double? AddedP50 { get; set; }
    public double? AddedP99 { get; set; }
    public double? AddedTtftP50 { get; set; }
    public double? AddedTtftP99 { get; set; }
    public string? FirstError { get; set; }
    public string? Note { get; set; }
    /// <summary>How many passes the figures are the mean of (counts are summed).</summary>
    public int Passes { get; set; } = 1;

    /// <summary>One result for several passes of the same target, mode and load: rates and percentiles averaged, counts summed.</summary>
    public static RunResult MeanOf(IReadOnlyList<RunResult> passes)
    {
        var ran = passes.Where(p => p.Ok + p.Errors > 0).ToList();
        if (ran.Count == 0) return passes[0];
        static double? Mean(IEnumerable<double?> xs) => xs.All(x => x is null) ? null : xs.Where(x => x is not null).Average();
        var first = ran[0];
        return new RunResult
        {
            Target = first.Target, Mode = first.Mode, Load = first.Load, Concurrency = first.Concurrency, Rate = first.Rate,
            Seconds = ran.Sum(p => p.Seconds), Ok = ran.Sum(p => p.Ok), Errors = ran.Sum(p => p.Errors), Rps = ran.Average(p => p.Rps),
            P50 = Mean(ran.Select(p => p.P50)), P99 = Mean(ran.Select(p => p.P99)),
            TtftP50 = Mean(ran.Select(p => p.TtftP50)), TtftP99 = Mean(ran.Select(p => p.TtftP99)),
            FirstError = passes.Select(p => p.FirstError).FirstOrDefault(e => e is not null),
            Note = passes.Select(p => p.Note).FirstOrDefault(n => n is not null),
            Passes = ran.Count,
        };
    }
}

static class Load
{
    private static readonly double TicksPerMs = Stopwatch.Frequency / 1000.0;
    public static long Now => Stopwatch.GetTimestamp();
    public static long Ticks(TimeSpan t) => (long)(t.TotalSeconds * Stopwatch.Frequency);

    public static HttpClient NewClient(int maxConnections) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = maxConnections,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        ConnectTimeout = TimeSpan.FromSeconds(30),
        UseProxy = false,
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.None,
    })
    { Timeout = Timeout.InfiniteTimeSpan };

    /// <summary>
    /// The unmeasured prewarm (--prewarm S, none when 0): closed load on each target, JSON then stream, so what is
    /// measured next runs at its final JIT tier. <paramref name="what"/> and <paramref name="per"/> name it in the log.
    /// </summary>
    public static async Task Prewarm(string what, string per, IEnumerable<Target> targets, int concurrency, Options o)
    {
        if (o.Prewarm <= 0) return;
        Console.WriteLine($"{what}: {o.Prewarm:0.#} s of closed-{concurrency} load per {per} and mode, not measured");
        foreach (var t in targets)
            foreach (var stream in new[] { false, true })
                await Closed(t, stream, concurrency, TimeSpan.Zero, TimeSpan.FromSeconds(o.Prewarm), o.Chunks);
    }

    public static byte[] Body(string model, bool stream) => Encoding.UTF8.GetBytes(
        $"{{\"model\":\"{model}\",\"messages\":[{{\"role\":\"user\",\"content\":\"Say hello to the benchmark.\"}}],\"max_tokens\":64,\"stream\":{(stream ? "true" : "false")}}}");

    public readonly record struct Outcome(bool Ok, long FirstToken, string? Error);

    /// <summary>Sends one request and reads the whole answer. For streams: checks every content chunk (tokK in order),
    /// a finish_reason "stop" and data: [DONE]; FirstToken = timestamp of the first non-empty content chunk.</summary>
    public static async Task<Outcome> Send(HttpClient client, Target t, bool stream, byte[] body, int chunks, CancellationToken ct)
    {
        try
        {
            using var req = new HttpRequestMessage(HttpMethod.Post, t.Url) { Content = new ByteArrayContent(body) };
            req.Content.Headers.ContentType = new("application/json");
            foreach (var (k, v) in t.Headers) req.Headers.TryAddWithoutValidation(k, v);
            using var resp = await client.SendAsync(req, HttpCompletionOption.ResponseHeadersRead, ct);
            if (!resp.IsSuccessStatusCode)
            {
                var text = await resp.Content.ReadAsStringAsync(ct);
                return new(false, 0, $"HTTP {(int)resp.StatusCode}: {Trim(text)}");
            }
            await using var s = await resp.Content.ReadAsStreamAsync(ct);
            return stream ? await ReadSse(s, chunks, ct) : await ReadJson(s, chunks, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            var msg = e.GetType().Name + ": " + e.Message;
            if (e.InnerException is { } inner) msg += " <- " + inner.GetType().Name + ": " + inner.Message;
            return new(false, 0, Trim(msg));
        }
        catch (OperationCanceledException)
        {
            return new(false, 0, "cancelled: no complete answer before the run's hard deadline");
        }
    }

    private static string Trim(string s) => (s.Length > 300 ? s[..300] + "…" : s).ReplaceLineEndings(" ");

    private static async Task<Outcome> ReadJson(Stream s, int chunks, CancellationToken ct)
    {
        var buf = ArrayPool<byte>.Shared.Rent(16384);
        try
        {
            var len = 0;
            while (true)
            {
                if (len == buf.Length) { var bigger = ArrayPool<byte>.Shared.Rent(buf.Length * 2); buf.AsSpan(0, len).CopyTo(bigger); ArrayPool<byte>.Shared.Return(buf); buf = bigger; }
                var n = await s.ReadAsync(buf.AsMemory(len), ct);
                if (n == 0) break;
                len += n;
            }
            var span = buf.AsSpan(0, len);
            var expected = Encoding.UTF8.GetBytes($"tok{chunks - 1} ");
            if (span.IndexOf("\"choices\""u8) < 0 || span.IndexOf(expected) < 0)
                return new(false, 0, "unexpected body: " + Trim(Encoding.UTF8.GetString(span)));
            return new(true, 0, null);
        }
        finally { ArrayPool<byte>.Shared.Return(buf); }
    }

    private static async Task<Outcome> ReadSse(Stream s, int chunks, CancellationToken ct)
    {
        var buf = ArrayPool<byte>.Shared.Rent(16384);
        long first = 0;
        var seen = 0;
        bool done = false, stop = false;
        string? bad = null;
        try
        {
            var len = 0;
            while (true)
            {
                if (len == buf.Length) { var bigger = ArrayPool<byte>.Shared.Rent(buf.Length * 2); buf.AsSpan(0, len).CopyTo(bigger); ArrayPool<byte>.Shared.Return(buf); buf = bigger; }
                var n = await s.ReadAsync(buf.AsMemory(len), ct);
                if (n == 0) break;
                len += n;
                var consumed = 0;
                while (true)
                {
                    var nl = buf.AsSpan(consumed, len - consumed).IndexOf((byte)'\n');
                    if (nl < 0) break;
                    var line = buf.AsSpan(consumed, nl).TrimEnd((byte)'\r');
                    consumed += nl + 1;
                    if (!line.StartsWith("data:"u8)) continue;
                    var payload = line[5..].TrimStart((byte)' ');
                    if (payload.SequenceEqual("[DONE]"u8)) { done = true; continue; }
                    if (payload.IndexOf("\"finish_reason\":\"stop\""u8) >= 0) stop = true;
                    var at = payload.IndexOf("\"content\":\""u8);
                    if (at < 0) continue;
                    var rest = payload[(at + 11)..];
                    var end = rest.IndexOf((byte)'"');
                    if (end <= 0) continue; // "content":"" (a role-only first chunk)
                    if (first == 0) first = Now;
                    var want = $"tok{seen} ";
                    if (bad is null && Encoding.UTF8.GetString(rest[..end]) != want)
                        bad = $"content chunk {seen} was \"{Encoding.UTF8.GetString(rest[..end])}\", expected \"{want}\"";
                    seen++;
                }
                if (consumed > 0) { buf.AsSpan(consumed, len - consumed).CopyTo(buf); len -= consumed; }
            }
        }
        finally { ArrayPool<byte>.Shared.Return(buf); }
        if (bad is not null) return new(false, first, bad);
        if (seen != chunks) return new(false, first, $"stream carried {seen} content chunks, expected {chunks}" + (done ? "" : " (no [DONE])"));
        if (!stop) return new(false, first, "stream had no finish_reason \"stop\"");
        if (!done) return new(false, first, "stream ended without data: [DONE]");
        return new(true, first, null);
    }

    private readonly record struct Rec(long Start, long End, long First, bool Ok);

    private sealed class Tally
    {
        public long Errors;
        public string? FirstError;
        public void Error(string? e) { Interlocked.Increment(ref Errors); Interlocked.CompareExchange(ref FirstError, e, null); }
    }

    /// <summary>Closed loop: CONC workers, each sends its next request as soon as the previous answer is read.</summary>
    public static Task<RunResult> Closed(Target t, bool stream, int conc, TimeSpan warm, TimeSpan dur, int chunks) =>
        Closed([t], stream, conc, warm, dur, chunks);

    /// <summary>Closed loop spread over several targets (e.g. the nodes of a cluster): worker i sends to spread[i % n],
    /// so the connections, and the load, are spread round robin. Reported under the first target's key.</summary>
    public static async Task<RunResult> Closed(IReadOnlyList<Target> spread, bool stream, int conc, TimeSpan warm, TimeSpan dur, int chunks)
    {
        var t = spread[0];
        using var client = NewClient(int.MaxValue);
        var body = Body(t.Model, stream);
        var t0 = Now;
        var measStart = t0 + Ticks(warm);
        var measEnd = measStart + Ticks(dur);
        using var hard = new CancellationTokenSource(warm + dur + TimeSpan.FromSeconds(30));
        var lists = new List<Rec>[conc];
        var tally = new Tally();
        var workers = Enumerable.Range(0, conc).Select(i => Task.Run(async () =>
        {
            var list = lists[i] = new List<Rec>(1024);
            while (Now < measEnd && !hard.IsCancellationRequested)
            {
                var start = Now;
                var o = await Send(client, spread[i % spread.Count], stream, body, chunks, hard.Token);
                var end = Now;
                if (start >= measStart && end <= measEnd)
                {
                    list.Add(new Rec(start, end, o.FirstToken, o.Ok));
                    if (!o.Ok) tally.Error(o.Error);
                }
                if (!o.Ok) await Task.Delay(1); // an instant failure (connection refused) must not spin the loop
            }
        })).ToArray();
        await Task.WhenAll(workers);
        var r = Summarize(lists.SelectMany(l => l), tally, dur, stream);
        r.Target = t.Key; r.Mode = stream ? "stream" : "json"; r.Load = $"c{conc}"; r.Concurrency = conc;
        return r;
    }

    /// <summary>Open loop: requests start at a fixed rate whatever the answers do, over a pool of CONNS connections;
    /// latency counts from the scheduled start, so queueing shows (no coordinated omission). One thread paces the
    /// starts and sleeps to each one with microsecond resolution (usleep), so the generator's own lateness is tens of
    /// microseconds, not the millisecond a timer tick would add to every figure and bunch requests into bursts.
    /// <paramref name="beforeClose"/> runs once every answer is in, before the connections close (a relay's
    /// per-connection threads end with them).</summary>
    public static async Task<RunResult> Open(Target t, bool stream, double rate, int conns, TimeSpan warm, TimeSpan dur, int chunks, Action? beforeClose = null)
    {
        using var client = NewClient(conns);
        var body = Body(t.Model, stream);
        var t0 = Now + Ticks(TimeSpan.FromMilliseconds(20));
        var measStart = t0 + Ticks(warm);
        var measEnd = measStart + Ticks(dur);
        using var hard = new CancellationTokenSource(warm + dur + TimeSpan.FromSeconds(30));
        var recs = new List<Rec>(1 << 14);
        var tally = new Tally();
        var tasks = new List<Task>(1 << 14);
        async Task SendOne(long sched)
        {
            var o = await Send(client, t, stream, body, chunks, hard.Token);
            var end = Now;
            if (sched < measStart) return;
            lock (recs) recs.Add(new Rec(sched, end, o.FirstToken, o.Ok));
            if (!o.Ok) tally.Error(o.Error);
        }
        var paced = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var pacer = new Thread(() =>
        {
            try
            {
                for (long i = 0; ; i++)
                {
                    var sched = t0 + (long)(i * Stopwatch.Frequency / rate);
                    if (sched >= measEnd) break;
                    var waitUs = (sched - Now) * 1_000_000 / Stopwatch.Frequency;
                    if (waitUs > 0) Native.SleepMicroseconds(waitUs);
                    tasks.Add(SendOne(sched));
                }
                paced.SetResult();
            }
            catch (Exception e) { paced.SetException(e); }
        }) { IsBackground = true, Name = "open-loop pacer" };
        pacer.Start();
        await paced.Task;
        await Task.WhenAll(tasks);
        beforeClose?.Invoke();
        var r = Summarize(recs, tally, dur, stream);
        r.Target = t.Key; r.Mode = stream ? "stream" : "json"; r.Load = $"open{rate:0}"; r.Concurrency = conns; r.Rate = rate;
        return r;
    }

    private static RunResult Summarize(IEnumerable<Rec> all, Tally tally, TimeSpan dur, bool stream)
    {
        var ok = all.Where(r => r.Ok).ToList();
        var lat = ok.Select(r => (r.End - r.Start) / TicksPerMs).OrderBy(x => x).ToList();
        var ttft = stream ? ok.Where(r => r.First > 0).Select(r => (r.First - r.Start) / TicksPerMs).OrderBy(x => x).ToList() : new List<double>();
        return new RunResult
        {
            Seconds = dur.TotalSeconds,
            Ok = ok.Count,
            Errors = tally.Errors,
            Rps = ok.Count / dur.TotalSeconds,
            P50 = Pct(lat, 0.50), P99 = Pct(lat, 0.99),
            TtftP50 = stream ? Pct(ttft, 0.50) : null, TtftP99 = stream ? Pct(ttft, 0.99) : null,
            FirstError = tally.FirstError,
        };
    }

    public static double? Pct(List<double> sorted, double p)
    {
        if (sorted.Count == 0) return null;
        var rank = (int)Math.Ceiling(p * sorted.Count) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Count - 1)];
    }
}
