using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.Features;
using Router.Actors.Configuration;
using Router.Http.Body;
using Router.Http.ClientKeys;
using Router.Protocols;
using Router.Protocols.Canonical;
using Router.Protocols.Json;

namespace Router.Http;

/// <summary>
/// What every inference endpoint checks before a request goes anywhere: the client key, the body
/// size, well-formed JSON. Failures are answered in the caller's own format.
/// </summary>
public sealed class FrontDoor(RouterConfig config, ClientKeyGate keys)
{
    private readonly BodyBudget _budget = new(config.Server.MaxBodyBytes);

    /// <summary>What client keys may do: models, limits, tokens charged.</summary>
    public ClientKeyGate Keys => keys;

    /// <summary>
    /// The client key the request carries in any accepted place (<see cref="ClientKey.Open"/> when no key
    /// exists), or null when it carries none of them.
    /// </summary>
    public ClientKey? Authorize(HttpContext context) => keys.Authorize(context, PresentedKey(context.Request));

    /// <summary>
    /// The JSON object in the body, or the error to answer with (400, 408 or 413). A large body first
    /// waits for room in the memory budget, held until the response is complete.
    /// </summary>
    public async Task<(JsonObject? Body, ErrorInfo? Error)> ReadJsonAsync(HttpContext context)
    {
        var (body, _, error) = await ReadRequestAsync(context);
        return (body, error);
    }

    /// <summary>A body this size or smaller is also kept as the client sent it, for a same-format upstream.</summary>
    public const int KeptBytesLimit = 64 * 1024;

    /// <summary>
    /// As <see cref="ReadJsonAsync"/>, with the body's bytes as they came when it is at most
    /// <see cref="KeptBytesLimit"/> (a larger one is written again from the tree, never held as one large array).
    /// </summary>
    public async Task<(JsonObject? Body, ReadOnlyMemory<byte>? Bytes, ErrorInfo? Error)> ReadRequestAsync(HttpContext context)
    {
        var limit = config.Server.MaxBodyBytes;
        var declared = context.Request.ContentLength;
        if (declared > limit)
            return (null, null, ErrorInfo.TooLarge(limit));
        var sizeFeature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false }) sizeFeature.MaxRequestBodySize = limit;
        try
        {
            if (declared is { } length) await AdmitAsync(context, length);
            using var body = await PooledBody.ReadAsync(context.Request.Body, context.RequestAborted);
            if (declared is null) await AdmitAsync(context, body.Length);
            var json = StrictJson.ParseObject(body.Sequence);
            return (json, body.Length <= KeptBytesLimit ? new ReadOnlyMemory<byte>(body.Sequence.ToArray()) : (ReadOnlyMemory<byte>?)null, null);
        }
        catch (ProtocolException e)
        {
            return (null, null, e.ToError());
        }
        catch (BadHttpRequestException e)
        {
            return (null, null, e.StatusCode == StatusCodes.Status413PayloadTooLarge ? ErrorInfo.TooLarge(limit) : UnreadableBody(e.StatusCode, e.Message));
        }
        catch (IOException e)
        {
            // The client reset the connection mid-body; the answer is for the log.
            return (null, null, UnreadableBody(StatusCodes.Status400BadRequest, e.Message));
        }
    }

    private async Task AdmitAsync(HttpContext context, long bytes)
    {
        context.Response.RegisterForDispose(await _budget.AdmitAsync(bytes, context.RequestAborted));
        if (bytes >= HeapTrim.CollectBefore) HeapTrim.CollectNow();
    }

    private static ErrorInfo UnreadableBody(int status, string reason) => status == StatusCodes.Status408RequestTimeout
        ? new ErrorInfo(status, ErrorKind.InvalidRequest, "The request body did not arrive in time.", "request_timeout")
        : ErrorInfo.BadRequest("The request body could not be read: " + reason);

    public static async Task WriteErrorAsync(HttpContext context, IWireFormat format, ErrorInfo error, TimeSpan? retryAfter = null)
    {
        if (retryAfter is { } wait)
            context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString();
        await WriteJsonAsync(context, error.Status, JsonSerializer.SerializeToUtf8Bytes(format.EncodeError(error)));
    }

    public static async Task WriteJsonAsync(HttpContext context, int status, ReadOnlyMemory<byte> body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = body.Length;
        // Slice by slice: Kestrel copies a whole write into its own pooled blocks before flushing, and
        // keeps those blocks, so one 20 MB write would grow the server's pool by 20 MB for good.
        for (var offset = 0; offset < body.Length; offset += WriteSlice)
            await context.Response.Body.WriteAsync(body.Slice(offset, Math.Min(WriteSlice, body.Length - offset)), context.RequestAborted);
    }

    private const int WriteSlice = 64 * 1024;

    private static string? PresentedKey(HttpRequest request)
    {
        if (Bearer(request) is { } bearer)
            return bearer;
        foreach (var header in new[] { "x-api-key", "x-goog-api-key" })
            if (request.Headers.TryGetValue(header, out var value) && value.Count > 0)
                return value.ToString();
        return request.Query.TryGetValue("key", out var query) ? query.ToString() : null;
    }

    internal static string? Bearer(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization["Bearer ".Length..].Trim() : null;
    }

    /// <summary>Keys are compared by hash in constant time, so neither their length nor content leaks through timing.</summary>
    internal static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
