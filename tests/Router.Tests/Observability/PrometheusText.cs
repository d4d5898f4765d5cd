using System.Globalization;

namespace Router.Tests.Observability;

/// <summary>Reads samples out of a Prometheus text exposition, whatever order the labels come in.</summary>
public static class PrometheusText
{
    /// <summary>The sum of the samples named <paramref name="name"/> that carry every given label; null when there is none.</summary>
    public static double? Value(string text, string name, params (string Label, string Value)[] labels)
    {
        double? sum = null;
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith('#') || !line.StartsWith(name, StringComparison.Ordinal)) continue;
            var rest = line[name.Length..];
            if (rest.Length == 0 || (rest[0] != '{' && rest[0] != ' ')) continue; // a longer name that starts the same
            if (!labels.All(l => rest.Contains($"{l.Label}=\"{l.Value}\"", StringComparison.Ordinal))) continue;
            var value = rest[(rest.LastIndexOf('}') + 1)..].Trim().Split(' ')[0];
            sum = (sum ?? 0) + double.Parse(value, CultureInfo.InvariantCulture);
        }
        return sum;
    }
}
