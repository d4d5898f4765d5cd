using System.Text.Json.Nodes;
using Router.Actors.Dispatch;
using Router.Protocols;
using Router.Protocols.Canonical;

namespace Router.Http.ClientKeys;

/// <summary>
/// What a client key may do: which key a request carries, whether that key may use the model
/// (403 otherwise) and whether it is within its limits (429 with Retry-After otherwise), all
/// answered in the caller's format; and, after the answer, its tokens charged to the key.
/// </summary>
public sealed class ClientKeyGate(ClientKeyring keyring, ClientKeyLimiter limiter)
{
    /// <summary>The key presented (attached to the request for later stages), <see cref="ClientKey.Open"/>, or null when refused.</summary>
    public ClientKey? Authorize(HttpContext context, string? presented)
    {
        var key = keyring.Authorize(presented, presented is not null);
        key?.AttachTo(context);
        return key;
    }

    /// <summary>True when the key may send this request now; otherwise the 403 or 429 has been written. A token count is not <paramref name="limited"/>.</summary>
    public async Task<bool> AdmitAsync(HttpContext context, IWireFormat format, ClientKey key, string model, bool limited = true)
    {
        if (!key.Allows(model))
        {
            await FrontDoor.WriteErrorAsync(context, format, new ErrorInfo(403, ErrorKind.PermissionDenied,
                $"The key '{key.Name}' may not use the model '{model}'.", "model_not_allowed", "model"));
            return false;
        }
        if (!limited || limiter.Refuse(key) is not var (limit, retryAfter)) return true;
        await FrontDoor.WriteErrorAsync(context, format, ErrorInfo.RateLimited($"The key '{key.Name}' is over its limit of {limit}; try again later."), retryAfter);
        return false;
    }

    /// <summary>Counts the answer's tokens (input + output) against the key's daily limit, when it has one.</summary>
    public void Charge(ClientKey key, IWireFormat format, DispatchResult answer)
    {
        if (key.Limits.TokensPerDay is null) return;
        var usage = answer switch
        {
            StreamAnswer stream => stream.Usage.Value,
            WholeAnswer { Status: 200 } whole => Decode(format, whole.Body),
            _ => null,
        };
        if (usage is not null) limiter.Charge(key, (long)usage.InputTokens + usage.OutputTokens);
    }

    private static Usage? Decode(IWireFormat format, ReadOnlyMemory<byte> body)
    {
        try
        {
            return JsonNode.Parse(body.Span) is JsonObject json ? format.DecodeResponse(json).Usage : null;
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or ProtocolException)
        {
            return null;
        }
    }
}
