using System.Text;
using Router.Actors.Configuration;

namespace Router.Http.Operations;

/// <summary>`logs [NAME] [-f] [-n N]`: the router's log ({logging.dir}/router.log) or a side service's (NAME.log).</summary>
public static class LogsCommand
{
    public static async Task<int> RunAsync(RouterConfig config, string? name, bool follow, int lines, TextWriter output, CancellationToken cancellationToken)
    {
        var file = Path.Combine(config.Logging.Dir, (name ?? "router") + ".log");
        if (!File.Exists(file))
        {
            var known = Directory.Exists(config.Logging.Dir)
                ? string.Join(", ", Directory.GetFiles(config.Logging.Dir, "*.log").Select(f => Path.GetFileNameWithoutExtension(f)).Order())
                : "";
            output.WriteLine($"No log at {file}" + (known.Length > 0 ? $" (logs here: {known})" : " (has the router run with this config?)"));
            return 1;
        }
        foreach (var line in Tail(file, lines)) output.WriteLine(line);
        if (!follow) return 0;

        var position = new FileInfo(file).Length;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(250, cancellationToken);
                var length = File.Exists(file) ? new FileInfo(file).Length : 0;
                if (length < position) position = 0; // rotated or truncated: start over
                if (length == position) continue;
                await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                stream.Seek(position, SeekOrigin.Begin);
                using var reader = new StreamReader(stream, Encoding.UTF8);
                output.Write(await reader.ReadToEndAsync(cancellationToken));
                output.Flush();
                position = stream.Position;
            }
        }
        catch (OperationCanceledException)
        {
        }
        return 0;
    }

    /// <summary>The last <paramref name="count"/> lines of a file that another process may be writing.</summary>
    public static IReadOnlyList<string> Tail(string file, int count)
    {
        if (!File.Exists(file) || count <= 0) return [];
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var last = new Queue<string>(count);
        while (reader.ReadLine() is { } line)
        {
            if (last.Count == count) last.Dequeue();
            last.Enqueue(line);
        }
        return last.ToList();
    }
}
