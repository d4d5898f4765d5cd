using YamlDotNet.RepresentationModel;

namespace Router.Actors.Configuration.Reading;

/// <summary>One key of a mapping with its value and its key path (e.g. <c>providers.openai-main.timeout</c>).</summary>
internal readonly record struct ConfigEntry(string Key, YamlScalarNode KeyNode, YamlNode Value, string Path);
