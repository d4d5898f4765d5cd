using System.Text.Json;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.Logging;
using Router.Actors.Accounts;
using Router.Actors.Providers;
using Router.Actors.Routing;
using Router.Actors.Telemetry;
using Router.Protocols;
using Router.Protocols.Canonical;

namespace Router.Actors.Dispatch;

/// <summary>
/// The path of one request, the failover loop: resolve the model to its providers, then for each
/// provider in order take a lease (LeaseClient) and make one attempt with it (UpstreamAttempt). An
/// attempt that fails moves on to the next account, then the next provider; only a 401 on a token
/// the account has just renewed is retried once on the same account. Every wait takes from the
/// request's one time budget (RequestBudget); when it runs out the client gets 504. Whatever fails,
/// the client gets an answer in its own format: the first that worked, or FailureSummary's.
/// </summary>
public sealed class RequestDispatcher
{
    private static readonly TimeSpan CatalogWait = TimeSpan.FromSeconds(5);

    private readonly IActorRef _routing;
    private readonly RouteTable _routes;
    private readonly LeaseClient _leases;
    private readonly UpstreamAttempt _attempt;
    private readonly ILogger<RequestDispatcher> _log;
    // The routing actor publishes its catalog here (again after a reload): read without a message.
    private readonly LiveCatalog _catalog;

    public RequestDispatcher(IRequiredActor<RoutingActor> routing, RouteTable routes, LiveCatalog catalog, ActorSystem system, ILoggerFactory logs)
    {
        _routing = routing.ActorRef;
        _catalog = catalog;
        _routes = routes;
        _leases = new LeaseClient(system);
        _attempt = new UpstreamAttempt(logs.CreateLogger<UpstreamAttempt>());
        _log = logs.CreateLogger<RequestDispatcher>();
    }

    /// <summary>The providers a model goes to (RoutePlan), UnknownModel, or a FailedAnswer when routing does not answer.</summary>
    private async ValueTask<object> ResolveAsync(string model, CancellationToken cancellationToken)
    {
        var catalog = _catalog.Current;
        try
        {
            catalog ??= await _routing.Ask<ProviderCatalog>(GetProviders.Instance, CatalogWait, cancellationToken);
        }
        catch (AskTimeoutException)
        {
            return new FailedAnswer(ErrorInfo.Unavailable("The router is still starting; try again in a moment."));
        }
        return RoutingActor.Resolve(_routes, catalog, model);
    }

    public Task<DispatchResult> DispatchAsync(InboundCall call, CancellationToken clientAborted)
    {
        // The route is known at once unless the catalog is not published yet: then no async state of its own.
        var resolving = ResolveAsync(call.Request.Model, clientAborted);
        return resolving.IsCompletedSuccessfully ? Dispatch(call, resolving.Result, clientAborted) : DispatchResolvedAsync(call, resolving, clientAborted);
    }

    private async Task<DispatchResult> DispatchResolvedAsync(InboundCall call, ValueTask<object> resolving, CancellationToken clientAborted) =>
        await Dispatch(call, await resolving, clientAborted);

    private Task<DispatchResult> Dispatch(InboundCall call, object resolved, CancellationToken clientAborted)
    {
        var model = call.Request.Model;
        switch (resolved)
        {
            case FailedAnswer failed: return Task.FromResult<DispatchResult>(failed);
            case not RoutePlan: return Task.FromResult<DispatchResult>(new FailedAnswer(ErrorInfo.ModelNotFound(model)));
            case RoutePlan plan:
                var providers = CanServe(call.Request, plan.Providers);
                if (providers.Count == 0 && plan.Providers.Count > 0)
                    return Task.FromResult<DispatchResult>(new FailedAnswer(ErrorInfo.BadRequest($"The model '{model}' takes text only; this request contains an image.", "messages")));
                return FailOverAsync(call, plan, providers, clientAborted);
        }
    }

    private async Task<DispatchResult> FailOverAsync(InboundCall call, RoutePlan plan, IReadOnlyList<ProviderHandle> providers, CancellationToken clientAborted)
    {
        var model = call.Request.Model;
        var budget = RequestBudget.For(providers);
        var failures = new List<AttemptFailure>();
        foreach (var provider in providers)
        {
            var tried = new HashSet<string>();
            HashSet<string>? renewed = null; // made only for a 401, the rare case
            string? retryOn = null;
            while (true)
            {
                if (budget.Exhausted)
                {
                    failures.Add(new AttemptFailure(provider.Name, FailureKind.Timeout, $"the request's time budget of {budget.Total.TotalSeconds:0.#}s ran out"));
                    return FailureSummary.ToAnswer(model, failures, DateTimeOffset.UtcNow);
                }
                var reply = await _leases.LeaseAsync(provider, tried, retryOn, budget.For(provider), clientAborted);
                if (reply is not LeaseGranted { Lease: var lease })
                {
                    // Why the provider had no (further) account: worth telling unless it only says "all tried".
                    if (reply is NoAccountAvailable none && (tried.Count == 0 || none.Reason is NoAccountReason.CoolingDown or NoAccountReason.Unauthenticated or NoAccountReason.NoAnswer))
                        failures.Add(FailureSummary.From(none));
                    break;
                }

                var attempt = await _attempt.RunAsync(call, plan, provider, lease, budget.For(provider), clientAborted);
                if (attempt.Answer is { } answer) return answer;
                var failure = attempt.Failure!;
                failures.Add(failure);
                // A refused token is renewed by its account (it heard the 401): retry once on it.
                retryOn = failure.Kind == FailureKind.Unauthenticated && lease.Renewable && (renewed ??= []).Add(lease.EntityId) ? lease.EntityId : null;
                if (retryOn is not null)
                {
                    _log.LogInformation("Model {Model}: {Account} answered 401; retrying once with a renewed token", model, failure.Where);
                    continue;
                }
                tried.Add(lease.EntityId);
                RouterMetrics.Failovers.Add(1, MetricTags.ProviderAnd(provider.Name, "reason", MetricTags.Failure(failure.Kind)));
                _log.LogWarning("Model {Model}: {Account} failed ({Detail}); failing over", model, failure.Where, failure.Detail);
            }
        }
        return FailureSummary.ToAnswer(model, failures, DateTimeOffset.UtcNow);
    }

    /// <summary>The providers of a plan that can take this request at all (a text-only upstream cannot take images).</summary>
    private static IReadOnlyList<ProviderHandle> CanServe(ChatRequest request, IReadOnlyList<ProviderHandle> providers) =>
        request.Messages.Any(m => m.Content.Any(p => p is ImagePart))
            ? providers.Where(p => p.Definition.Config.AcceptsImages).ToList()
            : providers;

    /// <summary>
    /// A token count: from the first routed provider whose upstream has a count endpoint (one try),
    /// else the documented local estimate (TokenCounting.Estimate).
    /// </summary>
    public async Task<DispatchResult> CountTokensAsync(InboundCall call, CancellationToken clientAborted)
    {
        var model = call.Request.Model;
        var resolved = await ResolveAsync(model, clientAborted);
        if (resolved is not RoutePlan plan)
            return resolved as FailedAnswer ?? new FailedAnswer(ErrorInfo.ModelNotFound(model));

        var provider = plan.Providers.FirstOrDefault(p => p.Upstream.For(plan.UpstreamModel).Upstream.CanCountTokens);
        if (provider is not null && await _leases.LeaseAsync(provider, new HashSet<string>(), null, provider.Timeout, clientAborted) is LeaseGranted granted
            && await UpstreamTokenCount.CountAsync(call, plan, provider, granted.Lease, _log, clientAborted) is { } counted)
            return Count(call, counted);
        return Count(call, TokenCounting.Estimate(call.Request));
    }

    private static WholeAnswer Count(InboundCall call, int tokens) =>
        new(200, JsonSerializer.SerializeToUtf8Bytes(TokenCounting.Answer(call.ClientFormat, tokens)));
}
