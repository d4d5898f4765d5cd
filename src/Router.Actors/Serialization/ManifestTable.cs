namespace Router.Actors.Serialization;

/// <summary>
/// Which types RouterSerializer writes, under which stable manifest, and whether a type is stored
/// (journal, snapshots: secrets sealed with the auth dir's key ring) or sent between nodes (secrets
/// sealed with cluster.secret). A manifest never changes once released: a new shape of a type is a new
/// manifest (".v2") and the old one stays readable. Renaming a CLR type changes nothing stored.
/// </summary>
public sealed class ManifestTable
{
    public sealed record Entry(string Manifest, Type Type, bool Stored);

    private readonly Dictionary<string, Entry> _byManifest = new(StringComparer.Ordinal);
    private readonly Dictionary<Type, Entry> _byType = new();

    /// <summary>An event or snapshot of the journal.</summary>
    public ManifestTable Stored<T>(string manifest) => Add(new Entry(manifest, typeof(T), Stored: true));

    /// <summary>A message that may cross nodes.</summary>
    public ManifestTable Message<T>(string manifest) => Add(new Entry(manifest, typeof(T), Stored: false));

    /// <summary>Another name under which rows of <typeparamref name="T"/> were written (read only).</summary>
    public ManifestTable Alias<T>(string manifest) =>
        Add(_byType[typeof(T)] with { Manifest = manifest }, reading: true);

    private ManifestTable Add(Entry entry, bool reading = false)
    {
        if (!_byManifest.TryAdd(entry.Manifest, entry))
            throw new InvalidOperationException($"manifest '{entry.Manifest}' is registered twice");
        if (!reading && !_byType.TryAdd(entry.Type, entry))
            throw new InvalidOperationException($"{entry.Type.Name} is registered twice");
        return this;
    }

    public IEnumerable<Entry> Written => _byType.Values;

    public Entry? ForType(Type type) => _byType.GetValueOrDefault(type);

    public Entry? ForManifest(string manifest) => _byManifest.GetValueOrDefault(manifest);
}
