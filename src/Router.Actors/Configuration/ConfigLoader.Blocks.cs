using YamlDotNet.RepresentationModel;

namespace Router.Actors.Configuration;

// The provider blocks of account types that sign in: oauth (claude-oauth, chatgpt-oauth) and clerk (ctonew).
public static partial class ConfigLoader
{
    private static readonly string[] OAuthKeys =
        ["authorize_url", "token_url", "client_id", "scopes", "redirect_uri", "userinfo_url", "token_format", "authorize_params"];
    private static readonly string[] ClerkKeys = ["token_url", "cookie"];
    private static readonly string[] TokenFormats = ["form", "json"];

    /// <summary>Which block each signing-in type cannot do without.</summary>
    private static readonly Dictionary<string, string> RequiredBlock = new()
    {
        ["claude-oauth"] = "oauth",
        ["chatgpt-oauth"] = "oauth",
        ["ctonew"] = "clerk",
    };

    private sealed partial class Reader
    {
        private OAuthConfig? OAuthBlock(Entry block)
        {
            var entries = Mapping(block.Value, block.Path, OAuthKeys);
            if (entries.Count == 0) return null;
            string? Url(string key) => entries.Where(e => e.Key == key).Select(HttpUrl).FirstOrDefault();
            string Required(string key, string? value) =>
                value ?? throw Error(block.KeyNode, Child(block.Path, key), $"missing required key '{key}'");

            var config = new OAuthConfig
            {
                AuthorizeUrl = Required("authorize_url", Url("authorize_url")),
                TokenUrl = Required("token_url", Url("token_url")),
                RedirectUri = Required("redirect_uri", Url("redirect_uri")),
                ClientId = Required("client_id", entries.Where(e => e.Key == "client_id").Select(NonEmptyString).FirstOrDefault()),
                UserinfoUrl = Url("userinfo_url"),
            };
            foreach (var e in entries)
            {
                config = e.Key switch
                {
                    "scopes" => config with { Scopes = StringList(e) ?? config.Scopes },
                    "token_format" => config with { TokenFormat = OneOf(e, TokenFormats) ?? config.TokenFormat },
                    "authorize_params" => config with { AuthorizeParams = Mapping(e.Value, e.Path, allowed: null).ToDictionary(p => p.Key, p => String(p) ?? "") },
                    _ => config,
                };
            }
            return config;
        }

        private ClerkConfig? ClerkBlock(Entry block)
        {
            var entries = Mapping(block.Value, block.Path, ClerkKeys);
            if (entries.Count == 0) return null;
            return new ClerkConfig
            {
                TokenUrl = entries.Where(e => e.Key == "token_url").Select(HttpUrl).FirstOrDefault()
                    ?? throw Error(block.KeyNode, Child(block.Path, "token_url"), "missing required key 'token_url'"),
                Cookie = entries.Where(e => e.Key == "cookie").Select(e => String(e)?.Trim()).FirstOrDefault() ?? "",
            };
        }

        private void RequireBlocks(Entry provider, ProviderConfig config)
        {
            if (!config.Enabled || !RequiredBlock.TryGetValue(config.Type, out var block)) return;
            var present = block == "oauth" ? config.OAuth is not null : config.Clerk is not null;
            if (!present)
                throw Error(provider.KeyNode, Child(provider.Path, block), $"missing required block '{block}' (type '{config.Type}' needs it; see contract/providers.md)");
        }
    }
}
