using Router.Actors.Configuration.Blocks;
using Router.Actors.Configuration.Reading;

namespace Router.Actors.Configuration;

/// <summary>
/// Reads config.unified.yaml (docs/configuration.md) into a <see cref="RouterConfig"/>. Each block has its
/// reader in Blocks/, the keys each allows are in <see cref="ConfigKeys"/>, provider types come from
/// Providers/Types. snake_case keys map onto the records; every scalar value goes through <c>${ENV}</c>
/// expansion; auth.dir and logging.dir are made absolute (<c>~</c> = home, relative = against the file's folder).
/// Anything wrong throws a <see cref="ConfigException"/> with one line <c>FILE:LINE: key.path: what is wrong</c>;
/// secret values (keys, cookies, connection strings, header values, provider sub-blocks) never appear in it.
/// </summary>
public static class ConfigLoader
{
    /// <summary>Reads and validates the file at <paramref name="path"/>; relative paths inside resolve against its folder.</summary>
    public static RouterConfig LoadFile(string path)
    {
        string text;
        string fullPath;
        try
        {
            fullPath = Path.GetFullPath(path);
            text = File.ReadAllText(fullPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException or System.Security.SecurityException)
        {
            throw new ConfigException(e is FileNotFoundException or DirectoryNotFoundException
                ? $"{path}: config file not found (looked at {Path.GetFullPath(path)}; pass --config PATH)"
                : $"{path}: cannot read the config file: {YamlReader.OneLine(e.Message)}");
        }
        return LoadText(text, path, Path.GetDirectoryName(fullPath)!) with { SourcePath = fullPath };
    }

    /// <summary>
    /// Reads and validates <paramref name="yaml"/>. <paramref name="sourceName"/> prefixes every message;
    /// relative auth.dir / logging.dir resolve against <paramref name="baseDirectory"/>.
    /// </summary>
    public static RouterConfig LoadText(string yaml, string sourceName, string baseDirectory)
    {
        var baseDir = Path.GetFullPath(string.IsNullOrEmpty(baseDirectory) ? Directory.GetCurrentDirectory() : baseDirectory);
        var root = YamlReader.Parse(yaml, sourceName);
        return new RootBlock(new ConfigSource(sourceName, baseDir)).Read(root) with { SourcePath = sourceName };
    }
}
