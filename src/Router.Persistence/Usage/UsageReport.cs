using System.Globalization;
using System.Text;

namespace Router.Persistence.Usage;

/// <summary>
/// Stored usage summed by the dimensions asked for (none: every stored row, all dimensions), with a
/// total. Rows are ordered by their dimensions; CSV quotes a value that needs it and defuses one a
/// spreadsheet would run as a formula.
/// </summary>
public sealed class UsageReport
{
    /// <summary>The dimensions group_by may name, in the order a full row lists them.</summary>
    public static readonly string[] Dimensions = ["day", "key", "provider", "account", "model"];

    public static readonly string[] Measures = ["requests", "input_tokens", "output_tokens", "cached_tokens", "errors"];

    public IReadOnlyList<string> GroupBy { get; }
    public IReadOnlyList<(string[] Values, UsageCounts Counts)> Rows { get; }
    public UsageCounts Total { get; }

    public UsageReport(IEnumerable<UsageRow> rows, IReadOnlyList<string> groupBy)
    {
        GroupBy = groupBy.Count > 0 ? groupBy : Dimensions;
        var all = rows.ToList();
        Rows = all
            .GroupBy(r => string.Join('\u0001', GroupBy.Select(d => Value(r.Key, d))))
            .Select(g => (GroupBy.Select(d => Value(g.First().Key, d)).ToArray(), g.Aggregate(default(UsageCounts), (sum, r) => sum.Add(r.Counts))))
            .OrderBy(r => string.Join('\u0001', r.Item1), StringComparer.Ordinal)
            .ToList();
        Total = all.Aggregate(default(UsageCounts), (sum, r) => sum.Add(r.Counts));
    }

    public static long[] Numbers(UsageCounts c) => [c.Requests, c.InputTokens, c.OutputTokens, c.CachedTokens, c.Errors];

    public string ToCsv()
    {
        var csv = new StringBuilder();
        csv.AppendJoin(',', GroupBy.Concat(Measures)).Append('\n');
        foreach (var (values, counts) in Rows)
            csv.AppendJoin(',', values.Select(Cell).Concat(Numbers(counts).Select(n => n.ToString(CultureInfo.InvariantCulture)))).Append('\n');
        return csv.ToString();
    }

    private static string Value(UsageKey key, string dimension) => dimension switch
    {
        "day" => key.Day,
        "key" => key.ClientKey,
        "provider" => key.Provider,
        "account" => key.Account,
        "model" => key.Model,
        _ => throw new ArgumentException($"unknown dimension '{dimension}'", nameof(dimension)),
    };

    private static string Cell(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@') value = "'" + value;
        return value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
    }
}
