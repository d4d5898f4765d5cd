namespace Router.Actors.Upstreams;

/// <summary>Reads an upstream's whole answer body into one array.</summary>
public static class UpstreamBody
{
    // A declared length beyond this takes the general path, which grows its buffer as the bytes arrive.
    private const long ExactUpTo = 16 << 20;

    /// <summary>
    /// With a Content-Length, an array of exactly that size read straight from the connection;
    /// ReadAsByteArrayAsync buffers into a growing stream first and then copies it out. Without one
    /// (chunked), ReadAsByteArrayAsync. An answer that ends before its declared length fails, as there.
    /// </summary>
    public static Task<byte[]> ReadAllAsync(HttpContent content, CancellationToken cancellationToken) =>
        content.Headers.ContentLength is { } length && length <= ExactUpTo
            ? ReadExactlyAsync(content, (int)length, cancellationToken)
            : content.ReadAsByteArrayAsync(cancellationToken);

    private static async Task<byte[]> ReadExactlyAsync(HttpContent content, int length, CancellationToken cancellationToken)
    {
        if (length == 0) return [];
        var body = new byte[length];
        var stream = await content.ReadAsStreamAsync(cancellationToken);
        await stream.ReadExactlyAsync(body, cancellationToken); // an answer cut short throws (an IOException)
        return body;
    }
}
