using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Akka.Actor;
using Router.Actors.Telemetry;
using Router.Persistence.Usage;

namespace Router.Http.Endpoints;

/// <summary>
/// GET /v0/management/usage?from=YYYY-MM-DD&amp;to=YYYY-MM-DD&amp;group_by=key|provider|account|model|day[,...]&amp;format=json|csv:
/// usage per client key name, provider, account label, model and UTC day, summed by the dimensions
/// asked for (none: every stored row). Days default to the last 30 up to today (UTC); needs the
/// management key. Before it reads, this node's ledger stores what it still holds, so the answer
/// includes requests just finished.
/// </summary>
public static class UsageEndpoints
{
    private const int DefaultDays = 30;
    private const int MaxDays = 3660;
    private static readonly TimeSpan FlushWait = TimeSpan.FromSeconds(10);

    public static void Map(WebApplication app) => app.MapGet("/v0/management/usage", QueryAsync);

    private sealed record UsageQuery(string From, string To, IReadOnlyList<string> GroupBy, bool Csv);

    private static async Task QueryAsync(HttpContext context, ManagementGuard guard, UsageLedger ledger)
    {
        if (!await guard.AdmitAsync(context)) return;
        var (query, problem) = Parse(context.Request.Query);
        if (query is null)
        {
            await SignInAnswers.FailAsync(context, 400, problem!);
            return;
        }
        try
        {
            await ledger.FlushAsync(FlushWait, context.RequestAborted);
        }
        catch (AskTimeoutException)
        {
            // Answer with what is stored; the rest is written at the next flush.
        }
        var report = new UsageReport(await ledger.Store.QueryAsync(query.From, query.To, context.RequestAborted), query.GroupBy);
        if (query.Csv)
        {
            context.Response.StatusCode = 200;
            context.Response.ContentType = "text/csv; charset=utf-8";
            context.Response.Headers.ContentDisposition = $"attachment; filename=\"usage-{query.From}-{query.To}.csv\"";
            await context.Response.WriteAsync(report.ToCsv(), Encoding.UTF8, context.RequestAborted);
            return;
        }
        await SignInAnswers.WriteAsync(context, 200, new JsonObject
        {
            ["from"] = query.From,
            ["to"] = query.To,
            ["group_by"] = new JsonArray(report.GroupBy.Select(d => (JsonNode)d).ToArray()),
            ["rows"] = new JsonArray(report.Rows.Select(r => (JsonNode)Row(report.GroupBy, r.Values, r.Counts)).ToArray()),
            ["total"] = Counts(new JsonObject(), report.Total),
        });
    }

    private static JsonObject Row(IReadOnlyList<string> dimensions, string[] values, UsageCounts counts)
    {
        var row = new JsonObject();
        for (var i = 0; i < dimensions.Count; i++) row[dimensions[i]] = values[i];
        return Counts(row, counts);
    }

    private static JsonObject Counts(JsonObject into, UsageCounts counts)
    {
        var numbers = UsageReport.Numbers(counts);
        for (var i = 0; i < numbers.Length; i++) into[UsageReport.Measures[i]] = numbers[i];
        return into;
    }

    /// <summary>The query, or why it is not one (for a 400).</summary>
    private static (UsageQuery? Query, string? Problem) Parse(IQueryCollection query)
    {
        var known = new[] { "from", "to", "group_by", "format" };
        if (query.Keys.FirstOrDefault(k => !known.Contains(k)) is { } unknown)
            return (null, $"Unknown parameter '{Shorten(unknown)}': use from, to, group_by and format.");
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        if (!Day(query, "to", today, out var to, out var problem) || !Day(query, "from", to.AddDays(-(DefaultDays - 1)), out var from, out problem))
            return (null, problem);
        if (from > to) return (null, "'from' is after 'to'.");
        if (to.DayNumber - from.DayNumber >= MaxDays) return (null, $"The range may span at most {MaxDays} days.");

        var groupBy = query["group_by"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().ToList();
        if (groupBy.FirstOrDefault(d => !UsageReport.Dimensions.Contains(d)) is { } bad)
            return (null, $"group_by '{Shorten(bad)}' is not one of {string.Join(", ", UsageReport.Dimensions)}.");
        var format = query["format"].ToString();
        if (format is not ("" or "json" or "csv"))
            return (null, $"format '{Shorten(format)}' is not json or csv.");
        return (new UsageQuery(Text(from), Text(to), groupBy, format == "csv"), null);
    }

    private static bool Day(IQueryCollection query, string name, DateOnly fallback, out DateOnly day, out string? problem)
    {
        problem = null;
        var text = query[name].ToString();
        if (text.Length == 0)
        {
            day = fallback;
            return true;
        }
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day)) return true;
        problem = $"'{name}' must be a day as YYYY-MM-DD (got '{Shorten(text)}').";
        return false;
    }

    private static string Text(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..37] + "...";
}
