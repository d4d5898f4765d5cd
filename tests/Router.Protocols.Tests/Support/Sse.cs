using System.Net.ServerSentEvents;
using System.Text;
using Router.Protocols.Canonical;

namespace Router.Protocols.Tests.Support;

/// <summary>Runs stream codecs over SSE text the way the router does: SseParser over a byte stream.</summary>
internal static class Sse
{
    public static List<SseItem<string>> Parse(string wire) =>
        SseParser.Create(new MemoryStream(Encoding.UTF8.GetBytes(wire))).Enumerate().ToList();

    public static (List<StreamEvent> Events, bool Completed) Decode(IWireFormat format, string wire)
    {
        var decoder = format.CreateStreamDecoder();
        var events = Parse(wire).SelectMany(decoder.Decode).ToList();
        return (events, decoder.Completed);
    }

    public static List<SseFrame> Encode(IWireFormat format, ChatRequest request, IEnumerable<StreamEvent> events)
    {
        var encoder = format.CreateStreamEncoder(request);
        return events.SelectMany(encoder.Encode).ToList();
    }

    public static string Wire(IEnumerable<SseFrame> frames) => string.Concat(frames.Select(f => f.ToWire()));

    /// <summary>A transcript written with \n line ends whatever the source file uses.</summary>
    public static string Lf(string text) => text.Replace("\r\n", "\n");
}
