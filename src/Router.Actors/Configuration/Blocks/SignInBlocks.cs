using Router.Actors.Configuration.Reading;

namespace Router.Actors.Configuration.Blocks;

/// <summary>The provider blocks of account types that sign in: oauth (claude-oauth, chatgpt-oauth) and clerk (ctonew).</summary>
internal sealed class SignInBlocks(ConfigSource source) : BlockReader(source)
{
    public OAuthConfig? OAuth(ConfigEntry block)
    {
        var entries = Mapping(block.Value, block.Path, ConfigKeys.OAuth);
        if (entries.Count == 0) return null;
        string Required(string key, string? value) =>
            value ?? throw Error(block.KeyNode, Child(block.Path, key), $"missing required key '{key}'");

        var config = new OAuthConfig
        {
            AuthorizeUrl = Required("authorize_url", Value(entries, "authorize_url", HttpUrl)),
            TokenUrl = Required("token_url", Value(entries, "token_url", HttpUrl)),
            RedirectUri = Required("redirect_uri", Value(entries, "redirect_uri", HttpUrl)),
            ClientId = Required("client_id", Value(entries, "client_id", NonEmptyString)),
            UserinfoUrl = Value(entries, "userinfo_url", HttpUrl),
        };
        return entries.Aggregate(config, (c, e) => e.Key switch
        {
            "scopes" => c with { Scopes = StringList(e) ?? c.Scopes },
            "token_format" => c with { TokenFormat = OneOf(e, ConfigKeys.TokenFormats) ?? c.TokenFormat },
            "authorize_params" => c with { AuthorizeParams = StringMap(e) },
            _ => c,
        });
    }

    public ClerkConfig? Clerk(ConfigEntry block)
    {
        var entries = Mapping(block.Value, block.Path, ConfigKeys.Clerk);
        if (entries.Count == 0) return null;
        return new ClerkConfig
        {
            TokenUrl = Value(entries, "token_url", HttpUrl)
                ?? throw Error(block.KeyNode, Child(block.Path, "token_url"), "missing required key 'token_url'"),
            Cookie = Value(entries, "cookie", e => String(e)?.Trim()) ?? "",
        };
    }
}
