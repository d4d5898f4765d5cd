using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Router.Actors.Configuration;

/// <summary>
/// Reads one YAML document into YamlDotNet's representation model (whose nodes carry line numbers).
/// Every failure — syntax error, duplicate key, several documents — becomes a one-line
/// <see cref="ConfigException"/> <c>FILE:LINE: key.path: what is wrong</c>. No value of the document
/// is ever quoted in a message, only key names.
/// </summary>
internal static class YamlReader
{
    /// <summary>The root node of the single document, or null for an empty file (or one with only comments).</summary>
    public static YamlNode? Parse(string text, string sourceName)
    {
        var tracker = new TrackingParser(new Parser(new StringReader(text)), sourceName);
        var stream = new YamlStream();
        try
        {
            stream.Load(tracker);
        }
        catch (ConfigException)
        {
            throw;
        }
        catch (YamlException e)
        {
            throw Syntax(sourceName, e.Start.Line > 0 ? e.Start.Line : tracker.LastLine, tracker.Path(), e.Message);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or IndexOutOfRangeException or FormatException)
        {
            // YamlDotNet's scanner reports some malformed input (an unclosed flow collection, for
            // one) with a bare InvalidOperationException: locate it with the last event read.
            throw Syntax(sourceName, tracker.LastLine, tracker.Path(), "malformed document (check brackets, braces, quotes and indentation)");
        }

        if (stream.Documents.Count == 0)
            return null;
        if (stream.Documents.Count > 1)
            throw new ConfigException($"{sourceName}:{stream.Documents[1].RootNode.Start.Line}: (document): only one YAML document is allowed (remove the second '---')");
        return stream.Documents[0].RootNode;
    }

    private static ConfigException Syntax(string source, long line, string path, string message) =>
        new($"{source}:{Math.Max(line, 1)}: {(path.Length == 0 ? "(root)" : path)}: invalid YAML: {OneLine(message)}");

    internal static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    /// <summary>
    /// Passes the parser's events through while keeping the key path of the current position
    /// (for messages about syntax errors) and rejecting duplicate keys with their path.
    /// </summary>
    private sealed class TrackingParser(IParser inner, string sourceName) : IParser
    {
        private sealed class Frame(bool isMapping)
        {
            public bool IsMapping { get; } = isMapping;
            /// <summary>Mapping: the next node completed is a key (true) or a value (false).</summary>
            public bool ExpectKey { get; set; } = true;
            public string? Key { get; set; }
            public HashSet<string> Keys { get; } = new(StringComparer.Ordinal);
            /// <summary>Sequence: index of the current item.</summary>
            public int Index { get; set; } = -1;
        }

        private readonly List<Frame> _frames = [];
        private readonly HashSet<string> _anchors = new(StringComparer.Ordinal);

        public long LastLine { get; private set; } = 1;

        public ParsingEvent Current => inner.Current!;

        public bool MoveNext()
        {
            if (!inner.MoveNext())
                return false;
            var e = inner.Current!;
            LastLine = e.Start.Line;
            Observe(e);
            return true;
        }

        private void Observe(ParsingEvent e)
        {
            switch (e)
            {
                case DocumentStart:
                    _frames.Clear();
                    _anchors.Clear();
                    break;
                case AnchorAlias alias:
                    StartNode(e);
                    if (!_anchors.Contains(alias.Value.Value))
                    {
                        var at = Path();
                        throw new ConfigException($"{sourceName}:{alias.Start.Line}: {(at.Length == 0 ? "(root)" : at)}: alias '*{alias.Value.Value}' refers to no anchor defined before it");
                    }
                    Complete();
                    break;
                case Scalar:
                    StartNode(e);
                    Complete();
                    break;
                case MappingStart:
                    StartNode(e);
                    _frames.Add(new Frame(isMapping: true));
                    break;
                case SequenceStart:
                    StartNode(e);
                    _frames.Add(new Frame(isMapping: false));
                    break;
                case MappingEnd or SequenceEnd:
                    if (_frames.Count > 0)
                        _frames.RemoveAt(_frames.Count - 1);
                    Complete();
                    break;
            }
        }

        private void StartNode(ParsingEvent e)
        {
            if (e is NodeEvent { Anchor.IsEmpty: false } node)
                _anchors.Add(node.Anchor.Value);
            if (_frames.Count == 0)
                return;
            var parent = _frames[^1];
            if (!parent.IsMapping)
            {
                parent.Index++;
                return;
            }
            if (!parent.ExpectKey)
                return;
            if (e is Scalar key)
            {
                if (!parent.Keys.Add(key.Value))
                {
                    var at = Path();
                    throw new ConfigException($"{sourceName}:{key.Start.Line}: {(at.Length == 0 ? key.Value : at + "." + key.Value)}: duplicate key '{key.Value}'");
                }
                parent.Key = key.Value;
            }
            else
            {
                parent.Key = "?";
            }
        }

        private void Complete()
        {
            if (_frames.Count > 0 && _frames[^1].IsMapping)
                _frames[^1].ExpectKey = !_frames[^1].ExpectKey;
        }

        /// <summary>Key path of the node being read, e.g. <c>providers.openai-main.api_keys[1]</c>.</summary>
        public string Path()
        {
            var path = new System.Text.StringBuilder();
            for (var i = 0; i < _frames.Count; i++)
            {
                var frame = _frames[i];
                var innermost = i == _frames.Count - 1;
                if (frame.IsMapping)
                {
                    if (frame.Key is null || (innermost && frame.ExpectKey))
                        continue;
                    if (path.Length > 0)
                        path.Append('.');
                    path.Append(frame.Key);
                }
                else if (!innermost && frame.Index >= 0)
                {
                    path.Append('[').Append(frame.Index).Append(']');
                }
            }
            return path.ToString();
        }
    }
}
