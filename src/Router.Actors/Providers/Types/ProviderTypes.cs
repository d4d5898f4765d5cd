namespace Router.Actors.Providers.Types;

/// <summary>
/// Every provider type the config may name. To add a type, write its <see cref="ProviderType"/> in a file
/// of this folder (one file per family) and list it here; config validation, upstreams, accounts,
/// sign-in routes and `router install` all read it from this table.
/// </summary>
public static class ProviderTypes
{
    /// <summary>In the order the docs' table lists them (and config errors name them).</summary>
    public static IReadOnlyList<ProviderType> All { get; } =
    [
        ApiKeyTypes.OpenAi, ApiKeyTypes.OpenAiResponses, ApiKeyTypes.Anthropic, ApiKeyTypes.Gemini,
        LlmuxTypes.ClaudeOAuth, LlmuxTypes.ChatGptOAuth, CtoNewType.Type, AiStudioType.Type,
        LocalTypes.HttpProxy, LocalTypes.Echo,
    ];

    private static readonly Dictionary<string, ProviderType> ByName = All.ToDictionary(t => t.Name, StringComparer.Ordinal);

    public static IReadOnlyList<string> Names { get; } = All.Select(t => t.Name).ToArray();

    /// <summary>The {kind} values of /v1/auth/llmux/{kind}/.</summary>
    public static IReadOnlyList<string> LlmuxKinds { get; } = All.Select(t => t.LlmuxKind).OfType<string>().ToArray();

    public static ProviderType? Find(string name) => ByName.GetValueOrDefault(name);

    /// <summary>The LLMux type whose sign-in kind is <paramref name="kind"/> ("claude", "chatgpt").</summary>
    public static ProviderType? ForLlmuxKind(string kind) => All.FirstOrDefault(t => t.LlmuxKind == kind);

    /// <summary>The types that take <paramref name="block"/> as their own key.</summary>
    public static IEnumerable<ProviderType> Taking(string block) => All.Where(t => t.Blocks.Contains(block));
}
