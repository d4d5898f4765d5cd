// The vendor ends the router's token accounts need, for bench/Runner's account targets (AccountTargets.cs):
// an OAuth authorize + token endpoint (LLMux sign-in), a Clerk token endpoint (ctonew), and Gemini's
// generateContent / streamGenerateContent (the API-key reference of the relay target). Tokens are accepted
// blindly and live a day, so no renewal happens during a run.
using System.Text;
using System.Text.Json;

static class AccountFakes
{
    public static void MapAccountFakes(this WebApplication app, string[] tokens, Action counted)
    {
        var issued = 0;
        app.MapGet("/oauth/authorize", (HttpContext ctx) =>
        {
            var q = ctx.Request.Query;
            return Results.Redirect($"{q["redirect_uri"]}?code=bench-code-{Interlocked.Increment(ref issued)}&state={Uri.EscapeDataString(q["state"].ToString())}");
        });
        app.MapPost("/oauth/token", () => Results.Text(JsonSerializer.Serialize(new
        {
            access_token = "at-bench-" + Interlocked.Increment(ref issued), refresh_token = "rt-bench", token_type = "Bearer", expires_in = 86400,
            id_token = UnsignedJwt($"{{\"email\":\"bench@example.com\",\"exp\":{DateTimeOffset.UtcNow.AddDays(1).ToUnixTimeSeconds()}}}"),
        }), "application/json"));
        // The session a ctonew account starts from (clerk.cookie): a JWT whose rotating_token the token endpoint takes.
        app.MapGet("/clerk/bench-cookie", () => UnsignedJwt("{\"sid\":\"sess_bench\",\"rotating_token\":\"rot-bench\",\"iss\":\"https://clerk.example\"}"));
        app.MapPost("/clerk/v1/tokens/create", () => Results.Text(JsonSerializer.Serialize(new
        {
            @object = "token",
            jwt = UnsignedJwt($"{{\"sid\":\"sess_bench\",\"exp\":{DateTimeOffset.UtcNow.AddDays(1).ToUnixTimeSeconds()},\"jti\":\"{Interlocked.Increment(ref issued)}\"}}"),
        }), "application/json"));
        app.MapPost("/v1beta/models/{call}", async (HttpContext ctx, string call) =>
        {
            counted();
            var res = ctx.Response;
            if (!call.EndsWith(":streamGenerateContent", StringComparison.Ordinal))
            {
                res.ContentType = "application/json";
                await res.WriteAsync(GeminiChunk(string.Concat(tokens), last: true, tokens.Length));
                return;
            }
            res.ContentType = "text/event-stream";
            for (var i = 0; i < tokens.Length; i++)
            {
                await res.Body.WriteAsync(Encoding.UTF8.GetBytes("data: " + GeminiChunk(tokens[i], i == tokens.Length - 1, tokens.Length) + "\r\n\r\n"));
                await res.Body.FlushAsync();
            }
        });
    }

    /// <summary>A Gemini generateContent answer (or one stream chunk) carrying <paramref name="text"/>; the last one has finishReason and usage.</summary>
    public static string GeminiChunk(string text, bool last, int chunks) =>
        "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":" + JsonSerializer.Serialize(text) + "}],\"role\":\"model\"}," +
        (last ? "\"finishReason\":\"STOP\"," : "") + "\"index\":0}]" +
        (last ? $",\"usageMetadata\":{{\"promptTokenCount\":10,\"candidatesTokenCount\":{chunks},\"totalTokenCount\":{10 + chunks}}}" : "") +
        ",\"modelVersion\":\"gemini-bench\"}";

    /// <summary>A JWT with these claims and no signature (the router reads claims; it does not verify vendors' signatures).</summary>
    public static string UnsignedJwt(string claims) =>
        $"{Base64Url("{\"alg\":\"none\",\"typ\":\"JWT\"}")}.{Base64Url(claims)}.sig";

    private static string Base64Url(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
