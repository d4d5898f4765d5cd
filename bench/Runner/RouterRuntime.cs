namespace Bench;

/// <summary>A router's own counters so far (GET /v0/management/runtime): counts, much steadier than time when the machine is shared.</summary>
readonly record struct RouterRuntime(double Allocated, double WorkItems, double Gen0, double Gen1, double Gen2, double PauseMs)
{
    /// <summary>The counters of the router on <paramref name="port"/>; zeros when it does not answer.</summary>
    public static async Task<RouterRuntime> Read(int port)
    {
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(await Procs.Probe.GetStringAsync($"http://127.0.0.1:{port}/v0/management/runtime"));
            var gc = doc.RootElement.GetProperty("gc");
            var collections = gc.GetProperty("collections");
            return new RouterRuntime(gc.GetProperty("allocated_bytes").GetDouble(),
                doc.RootElement.GetProperty("threads").TryGetProperty("thread_pool_completed_items", out var items) ? items.GetDouble() : 0,
                collections[0].GetDouble(), collections[1].GetDouble(), collections[2].GetDouble(),
                gc.TryGetProperty("pause_ms", out var pause) ? pause.GetDouble() : 0);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return default;
        }
    }

    public static RouterRuntime operator -(RouterRuntime a, RouterRuntime b) =>
        new(a.Allocated - b.Allocated, a.WorkItems - b.WorkItems, a.Gen0 - b.Gen0, a.Gen1 - b.Gen1, a.Gen2 - b.Gen2, a.PauseMs - b.PauseMs);

    public static RouterRuntime operator *(RouterRuntime a, double k) =>
        new(a.Allocated * k, a.WorkItems * k, a.Gen0 * k, a.Gen1 * k, a.Gen2 * k, a.PauseMs * k);

    public static RouterRuntime operator +(RouterRuntime a, RouterRuntime b) =>
        new(a.Allocated + b.Allocated, a.WorkItems + b.WorkItems, a.Gen0 + b.Gen0, a.Gen1 + b.Gen1, a.Gen2 + b.Gen2, a.PauseMs + b.PauseMs);
}
