using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Router.Actors.Accounts;
using Router.Actors.Providers;
using Router.Actors.Routing;
using Router.Actors.Upstreams;
using Router.Protocols;

namespace Router.Actors.Dispatch;

/// <summary>A token count asked of the upstream's own count endpoint with a lease: the count, or null (the caller estimates).</summary>
public static class UpstreamTokenCount
{
    public static async Task<int?> CountAsync(InboundCall call, RoutePlan plan, ProviderHandle provider, Lease lease, ILogger log, CancellationToken clientAborted)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(clientAborted);
        cts.CancelAfter(provider.Timeout);
        var outcome = CallOutcome.Cancelled;
        try
        {
            var (upstream, model) = provider.Upstream.For(plan.UpstreamModel);
            var body = TokenCounting.CountRequest(upstream.Format, call.Request, model);
            using var response = await upstream.CountTokensAsync(new UpstreamRequest(body, model, false, lease.Credential, call.Headers, lease.AccountHeaders), cts.Token);
            outcome = response.IsSuccessStatusCode ? CallOutcome.Success : UpstreamStatus.Classify((int)response.StatusCode, response.Headers, DateTimeOffset.UtcNow);
            return response.IsSuccessStatusCode && JsonNode.Parse(await response.Content.ReadAsStringAsync(cts.Token)) is JsonObject answer
                ? TokenCounting.ReadCount(answer)
                : null;
        }
        catch (Exception e) when (!clientAborted.IsCancellationRequested)
        {
            outcome = new CallOutcome(OutcomeKind.Transient, Detail: "token count failed");
            log.LogInformation("Model {Model}: {Account} could not count tokens ({Error}); estimating", call.Request.Model, lease.AccountName, e.GetType().Name);
            return null;
        }
        finally
        {
            LeaseClient.Finish(provider, lease, outcome);
        }
    }
}
