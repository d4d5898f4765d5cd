// Sampled allocations of a trace taken with
//   dotnet-trace collect -p PID --providers Microsoft-Windows-DotNETRuntime:0x1:5 --duration 00:00:00:03 -o FILE
// (the GC keyword at verbose level: one AllocationTick event per ~100 KB allocated, with its type and stack).
//   dotnet run -c Release --project bench/AllocTrace -- FILE            the types that allocate most
//   dotnet run -c Release --project bench/AllocTrace -- FILE TYPE [N]   one type's N heaviest allocating stacks and sizes
//   dotnet run -c Release --project bench/AllocTrace -- FILE --gc       each generation's collections: count, pause, what survived
using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

if (args.Length == 0)
{
    Console.Error.WriteLine("usage: AllocTrace FILE.nettrace [TYPE [N]]");
    return 2;
}
using var log = new TraceLog(TraceLog.CreateFromEventPipeDataFile(args[0]));
if (args.Length > 1 && args[1] == "--gc")
    return Collections.Print(log);
var type = args.Length > 1 ? args[1] : null;
var top = args.Length > 2 ? int.Parse(args[2]) : 25;

var byKey = new Dictionary<string, long>();
var bySize = new Dictionary<long, long>();
long total = 0;
foreach (var ev in log.Events)
{
    if (ev is not GCAllocationTickTraceData tick || type is not null && tick.TypeName != type) continue;
    total += tick.AllocationAmount64;
    var key = type is null ? tick.TypeName ?? "?" : Stack(tick);
    byKey[key] = byKey.GetValueOrDefault(key) + tick.AllocationAmount64;
    if (type is not null) bySize[tick.ObjectSize] = bySize.GetValueOrDefault(tick.ObjectSize) + tick.AllocationAmount64;
}
Console.WriteLine($"{type ?? "every type"}: {total / 1e6:0.0} MB sampled");
if (bySize.Count > 0)
    Console.WriteLine("by object size: " + string.Join(", ", bySize.OrderByDescending(x => x.Value).Take(8).Select(x => $"{x.Key} B {100.0 * x.Value / total:0} %")));
foreach (var (key, bytes) in byKey.OrderByDescending(x => x.Value).Take(top))
    Console.WriteLine($"{100.0 * bytes / total,5:0.0} %  {key}");
return 0;

static string Stack(GCAllocationTickTraceData tick)
{
    var frames = new List<string>();
    for (var frame = tick.CallStack(); frame is not null && frames.Count < 8; frame = frame.Caller)
        frames.Add(frame.CodeAddress.FullMethodName is { Length: > 0 } name ? name : frame.CodeAddress.ModuleName + "!?");
    return string.Join("\n         <- ", frames) + "\n";
}
