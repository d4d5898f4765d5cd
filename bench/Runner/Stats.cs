namespace Bench;

static class Stats
{
    /// <summary>The median (the mean of the two middle values for an even count); null when there is none.</summary>
    public static double? Median(IEnumerable<double> xs)
    {
        var v = xs.Order().ToList();
        return v.Count == 0 ? null : v.Count % 2 == 1 ? v[v.Count / 2] : (v[v.Count / 2 - 1] + v[v.Count / 2]) / 2;
    }
}
