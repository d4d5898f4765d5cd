using Router.Protocols.Canonical;

namespace Router.Protocols.Json;

/// <summary>Images as `data:` URLs (OpenAI) ↔ media type + base64 (Anthropic, Gemini).</summary>
public static class DataUrls
{
    public static ImagePart ToImage(string url)
    {
        if (!url.StartsWith("data:", StringComparison.OrdinalIgnoreCase)) return new ImagePart(url);
        var comma = url.IndexOf(',');
        var meta = comma > 5 ? url[5..comma] : "";
        if (comma < 0 || !meta.EndsWith(";base64", StringComparison.OrdinalIgnoreCase))
            throw new ProtocolException("Image data URLs must be base64 encoded (data:<type>;base64,<data>).", "image_url");
        return new ImagePart(null, meta[..^";base64".Length], url[(comma + 1)..]);
    }

    public static string FromImage(ImagePart image) =>
        image.Base64Data is { } data ? $"data:{image.MediaType ?? "image/png"};base64,{data}" : image.Url ?? "";
}
