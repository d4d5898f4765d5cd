namespace Router.Actors.Configuration;

/// <summary>
/// <c>${ENV_VAR}</c> expansion for config values and <c>~</c> expansion for paths.
/// </summary>
public static class EnvExpander
{
    /// <summary>
    /// Replaces every <c>${NAME}</c> with the environment variable NAME (empty when it is not set);
    /// <c>$${</c> is a literal <c>${</c>. Any other <c>$</c> stays as it is.
    /// </summary>
    /// <exception cref="FormatException">An unterminated <c>${</c> or a name that is not letters, digits and '_'.
    /// The message never quotes the value (it may be a secret).</exception>
    public static string Expand(string value, Func<string, string?>? lookup = null)
    {
        if (!value.Contains('$'))
            return value;
        lookup ??= Environment.GetEnvironmentVariable;
        var result = new System.Text.StringBuilder(value.Length);
        var i = 0;
        while (i < value.Length)
        {
            var c = value[i];
            if (c == '$' && i + 2 < value.Length && value[i + 1] == '$' && value[i + 2] == '{')
            {
                result.Append("${");
                i += 3;
            }
            else if (c == '$' && i + 1 < value.Length && value[i + 1] == '{')
            {
                var close = value.IndexOf('}', i + 2);
                if (close < 0)
                    throw new FormatException("unterminated '${' (write '$${' for a literal '${')");
                var name = value[(i + 2)..close];
                if (!IsName(name))
                    throw new FormatException("'${...}' must hold an environment variable name of letters, digits and '_' (write '$${' for a literal '${')");
                result.Append(lookup(name) ?? "");
                i = close + 1;
            }
            else
            {
                result.Append(c);
                i++;
            }
        }
        return result.ToString();
    }

    private static bool IsName(string name) =>
        name.Length > 0
        && (char.IsAsciiLetter(name[0]) || name[0] == '_')
        && name.All(ch => char.IsAsciiLetterOrDigit(ch) || ch == '_');

    /// <summary>The user's home directory.</summary>
    public static string Home()
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (string.IsNullOrEmpty(home))
            home = Environment.GetEnvironmentVariable("HOME") ?? Environment.GetEnvironmentVariable("USERPROFILE") ?? "";
        return string.IsNullOrEmpty(home) ? Directory.GetCurrentDirectory() : home;
    }

    /// <summary><c>~</c> or <c>~/rest</c> at the start of a path → the user's home (other paths unchanged).</summary>
    public static string ExpandHome(string path)
    {
        if (path == "~")
            return Home();
        if (path.Length >= 2 && path[0] == '~' && (path[1] == '/' || path[1] == Path.DirectorySeparatorChar))
            return Path.Join(Home(), path[2..]);
        return path;
    }

    /// <summary>Expands <c>~</c>, then makes the path absolute against <paramref name="baseDirectory"/> and normalizes it.</summary>
    public static string ResolvePath(string path, string baseDirectory)
    {
        var expanded = ExpandHome(path);
        return Path.TrimEndingDirectorySeparator(Path.GetFullPath(Path.IsPathRooted(expanded) ? expanded : Path.Combine(baseDirectory, expanded)));
    }
}
