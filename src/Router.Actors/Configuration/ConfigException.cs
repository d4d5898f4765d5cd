namespace Router.Actors.Configuration;

/// <summary>
/// An invalid config.unified.yaml. The message names the key path and the line, e.g.
/// <c>config.unified.yaml:12: providers.openai-main.type: unknown provider type 'opnai'</c>.
/// The router prints it alone (no stack trace) and exits with code 2.
/// </summary>
public sealed class ConfigException(string message) : Exception(message)
{
    public const int ExitCode = 2;
}
