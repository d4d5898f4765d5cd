using Router.Actors.Configuration.Reading;

namespace Router.Actors.Configuration.Blocks;

/// <summary>`auth:` where token files and the embedded database live.</summary>
internal sealed class AuthBlock(ConfigSource source) : BlockReader(source)
{
    public AuthConfig Read(ConfigEntry? section)
    {
        var entries = Section(section, ConfigKeys.Auth);
        var config = entries.Aggregate(new AuthConfig(), Apply);
        if (config.Store == "postgres" && string.IsNullOrWhiteSpace(config.ConnectionString))
            throw Error(entries.First(e => e.Key == "store").Value, Child(section!.Value.Path, "connection_string"), "required (non-empty) when auth.store is 'postgres'");
        return config with { Dir = EnvExpander.ResolvePath(config.Dir, BaseDir) };
    }

    private AuthConfig Apply(AuthConfig config, ConfigEntry e) => e.Key switch
    {
        "dir" => config with { Dir = PathValue(e) ?? config.Dir },
        "store" => config with { Store = OneOf(e, ConfigKeys.Stores) ?? config.Store },
        "connection_string" => config with { ConnectionString = String(e) ?? config.ConnectionString },
        _ => config,
    };
}
