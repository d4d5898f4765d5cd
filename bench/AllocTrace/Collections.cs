using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

/// <summary>
/// The collections in a trace, by the generation collected: how many, how long the runtime was suspended for each
/// (SuspendEEStart to RestartEEStop), what each promoted (GCHeapStats) and the young generation's budget after it
/// (GCGlobalHeapHistory).
/// </summary>
static class Collections
{
    public static int Print(TraceLog log)
    {
        var byGen = new SortedDictionary<int, (int Count, double PauseMs, double SuspendMs, double WorkMs, long Promoted, long Budget)>();
        double? suspendedAt = null, suspendDone = null, startedAt = null, work = null;
        int? gen = null;
        long promoted = 0, budget = 0;
        // Time from the collection's start to the end of each kind of root marking (stack, handles, older generations, ...).
        var markAt = new Dictionary<int, double>();
        var markTotals = new SortedDictionary<(int Gen, int Kind), (double Ms, long Promoted, int Count)>();
        foreach (var ev in log.Events)
        {
            switch (ev)
            {
                case GCSuspendEETraceData: suspendedAt = ev.TimeStampRelativeMSec; break;
                case GCNoUserDataTraceData when ev.EventName.EndsWith("SuspendEEStop"): suspendDone = ev.TimeStampRelativeMSec; break;
                case GCStartTraceData start: gen = start.Depth; startedAt = ev.TimeStampRelativeMSec; break;
                case GCEndTraceData when startedAt is { } s0: work = ev.TimeStampRelativeMSec - s0; break;
                case GCMarkWithTypeTraceData mark when startedAt is { } s1 && gen is { } mg:
                    var last = markAt.Count == 0 ? s1 : markAt.Values.Max();
                    markAt[mark.Type] = ev.TimeStampRelativeMSec;
                    var t = markTotals.GetValueOrDefault((mg, mark.Type));
                    markTotals[(mg, mark.Type)] = (t.Ms + ev.TimeStampRelativeMSec - last, t.Promoted + mark.Promoted, t.Count + 1);
                    break;
                case GCHeapStatsTraceData stats: promoted = stats.TotalPromotedSize0 + stats.TotalPromotedSize1 + stats.TotalPromotedSize2; break;
                case GCGlobalHeapHistoryTraceData history: budget = history.FinalYoungestDesired; break;
                case GCNoUserDataTraceData when ev.EventName.EndsWith("RestartEEStop") && suspendedAt is { } at && gen is { } g:
                    var row = byGen.GetValueOrDefault(g);
                    byGen[g] = (row.Count + 1, row.PauseMs + ev.TimeStampRelativeMSec - at, row.SuspendMs + (suspendDone - at ?? 0), row.WorkMs + (work ?? 0),
                        row.Promoted + promoted, row.Budget + budget);
                    suspendedAt = suspendDone = startedAt = work = null; gen = null; markAt.Clear();
                    break;
            }
        }
        foreach (var (g, row) in byGen)
            Console.WriteLine($"gen{g}: {row.Count} collections, pause {row.PauseMs / row.Count:0.000} ms each ({row.PauseMs:0.0} ms in all; " +
                              $"suspending the threads {row.SuspendMs / row.Count:0.000} ms, the collection {row.WorkMs / row.Count:0.000} ms), " +
                              $"promoted {row.Promoted / row.Count / 1024.0:0} KB each, young budget after {row.Budget / row.Count / 1048576.0:0.0} MB");
        string[] kinds = ["stacks", "finalization queue", "handles", "older generations (cards)", "sized refs", "mark overflow", "dependent handles", "new finalization queue"];
        foreach (var ((g, kind), t) in markTotals)
            Console.WriteLine($"  gen{g} marking {(kind < kinds.Length ? kinds[kind] : kind.ToString())}: {t.Ms / t.Count:0.000} ms each, promoted {t.Promoted / t.Count / 1024.0:0} KB each");
        return 0;
    }
}
