using System.Text.Json;
using System.Text.Json.Nodes;
using Akka.Actor;
using Akka.Hosting;
using Akka.Streams;
using Akka.Streams.Dsl;
using Microsoft.Extensions.Logging;
using Router.Actors.Accounts;
using Router.Actors.Providers;
using Router.Actors.Routing;
using Router.Actors.Upstreams;
using Router.Protocols;
using Router.Protocols.Canonical;

namespace Router.Actors.Dispatch;

/// <summary>
/// The path of one request: resolve the model to its providers (RoutingActor), take a lease on an
/// account (ProviderActor → AccountActor), make the upstream call here — outside every mailbox — and
/// report the outcome. Fails over to the next account, then the next provider, on connection errors,
/// timeouts, 429, 5xx, 401 and 403, but only until the first byte has gone to the client.
/// </summary>
public sealed class RequestDispatcher
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(5);

    private readonly IActorRef _routing;
    private readonly RouteTable _routes;
    private readonly ILogger<RequestDispatcher> _log;
    // The catalog never changes once the routing actor made it: asked once, then read here.
    private ProviderCatalog? _catalog;

    public RequestDispatcher(IRequiredActor<RoutingActor> routing, RouteTable routes, ILogger<RequestDispatcher> log)
    {
        _routing = routing.ActorRef;
        _routes = routes;
        _log = log;
    }

    /// <summary>The providers a model goes to, resolved here with the routing actor's own rules (no message per request).</summary>
    private async Task<object> ResolveAsync(string model, CancellationToken cancellationToken)
    {
        _catalog ??= await _routing.Ask<ProviderCatalog>(GetProviders.Instance, AskTimeout, cancellationToken);
        return RoutingActor.Resolve(_routes, _catalog, model);
    }

    /// <summary>A lease: from the provider's broker when it can grant one, else from the provider and its accounts.</summary>
    private async Task<object> LeaseAsync(ProviderHandle provider, IReadOnlySet<string> tried, string? prefer, CancellationToken cancellationToken) =>
        prefer is null && provider.Broker?.TryLease(tried, DateTimeOffset.UtcNow) is { } local
            ? new LeaseGranted(local, null)
            : await provider.Actor!.Ask<object>(new RequestLease(tried, prefer), AskTimeout, cancellationToken);

    /// <summary>The call made with a lease is over: a success on a broker lease is only counted; anything else goes to the account.</summary>
    private static void Finish(ProviderHandle provider, Lease lease, CallOutcome outcome)
    {
        if (lease.Local && outcome.Kind == OutcomeKind.Success)
        {
            provider.Broker!.CountSuccess(lease.EntityId);
            return;
        }
        if (outcome.Kind is not (OutcomeKind.Success or OutcomeKind.ClientError or OutcomeKind.Cancelled))
            provider.Broker?.Withdraw(lease.EntityId);
        provider.Actor!.Tell(new CallFinished(lease, outcome));
    }

    public async Task<DispatchResult> DispatchAsync(InboundCall call, CancellationToken clientAborted)
    {
        var model = call.Request.Model;
        if (await ResolveAsync(model, clientAborted) is not RoutePlan plan)
            return new FailedAnswer(ErrorInfo.ModelNotFound(model));

        var providers = CanServe(call.Request, plan.Providers);
        if (providers.Count == 0 && plan.Providers.Count > 0)
            return new FailedAnswer(ErrorInfo.BadRequest($"The model '{model}' takes text only; this request contains an image.", "messages"));

        var failures = new List<AttemptFailure>();
        foreach (var provider in providers)
        {
            var tried = new HashSet<string>();
            var renewed = new HashSet<string>();
            string? retryOn = null;
            object reply;
            while ((reply = await LeaseAsync(provider, tried, retryOn, clientAborted)) is LeaseGranted granted)
            {
                var lease = granted.Lease;
                var (result, failure) = await AttemptAsync(call, plan, provider, lease, clientAborted);
                if (result is not null) return result;
                failures.Add(failure!);
                // A refused token is renewed by its account (it heard the 401): retry once on it.
                retryOn = failure!.Kind == FailureKind.Unauthenticated && lease.Renewable && renewed.Add(lease.EntityId) ? lease.EntityId : null;
                if (retryOn is not null)
                {
                    _log.LogInformation("Model {Model}: {Account} answered 401; retrying once with a renewed token", model, failure.Where);
                    continue;
                }
                tried.Add(lease.EntityId);
                _log.LogWarning("Model {Model}: {Account} failed ({Detail}); failing over", model, failure.Where, failure.Detail);
            }
            // Why the provider had no (further) account: worth telling unless it only says "all tried".
            if (reply is NoAccountAvailable none && (tried.Count == 0 || none.Reason is Providers.NoAccountReason.CoolingDown or Providers.NoAccountReason.Unauthenticated))
                failures.Add(FailureSummary.From(none));
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
        if (await ResolveAsync(model, clientAborted) is not RoutePlan plan)
            return new FailedAnswer(ErrorInfo.ModelNotFound(model));

        var provider = plan.Providers.FirstOrDefault(p => p.Upstream.For(plan.UpstreamModel).Upstream.CanCountTokens);
        if (provider is not null && await LeaseAsync(provider, new HashSet<string>(), null, clientAborted) is LeaseGranted granted
            && await UpstreamCountAsync(call, plan, provider, granted.Lease, clientAborted) is { } counted)
            return Count(call, counted);
        return Count(call, TokenCounting.Estimate(call.Request));
    }

    private static WholeAnswer Count(InboundCall call, int tokens) =>
        new(200, JsonSerializer.SerializeToUtf8Bytes(TokenCounting.Answer(call.ClientFormat, tokens)));

    private async Task<int?> UpstreamCountAsync(InboundCall call, RoutePlan plan, ProviderHandle provider, Lease lease, CancellationToken clientAborted)
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
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or JsonException && !clientAborted.IsCancellationRequested)
        {
            outcome = new CallOutcome(OutcomeKind.Transient, Detail: "token count failed");
            _log.LogInformation("Model {Model}: {Account} could not count tokens ({Error}); estimating", call.Request.Model, lease.AccountName, e.GetType().Name);
            return null;
        }
        finally
        {
            Finish(provider, lease, outcome);
        }
    }

    private async Task<(DispatchResult? Result, AttemptFailure? Failure)> AttemptAsync(
        InboundCall call, RoutePlan plan, ProviderHandle provider, Lease lease, CancellationToken clientAborted)
    {
        var (upstream, model) = provider.Upstream.For(plan.UpstreamModel);
        var passThrough = ReferenceEquals(upstream.Format, call.ClientFormat);
        var body = passThrough ? call.ClientFormat.PassThroughBody(call.RawBody, model) : upstream.Format.EncodeRequest(call.Request, model);
        if (!passThrough && _log.IsEnabled(LogLevel.Debug))
            LogDroppedFields(call, upstream.Format);
        var cts = CancellationTokenSource.CreateLinkedTokenSource(clientAborted);
        cts.CancelAfter(provider.Timeout);
        HttpResponseMessage? response = null;
        var streamOwnsResources = false;
        void Finish(CallOutcome outcome) => RequestDispatcher.Finish(provider, lease, outcome);

        try
        {
            response = await upstream.SendAsync(
                new UpstreamRequest(body, model, call.Request.Stream, lease.Credential, passThrough ? call.Headers : new Dictionary<string, string>(), lease.AccountHeaders), cts.Token);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode && !call.Request.Stream && passThrough && !call.WantsUsage)
            {
                var relayed = new RelayedAnswer(200, await response.Content.ReadAsStreamAsync(cts.Token), response.Content.Headers.ContentLength,
                    new Owner(response, cts)) { Provider = provider.Name, Account = lease.AccountName };
                Finish(CallOutcome.Success);
                streamOwnsResources = true;
                return (relayed, null);
            }
            if (response.IsSuccessStatusCode && !call.Request.Stream)
            {
                var bytes = await response.Content.ReadAsByteArrayAsync(cts.Token);
                var answer = passThrough ? bytes : Translate(bytes, upstream.Format, call.ClientFormat);
                Finish(CallOutcome.Success);
                return (new WholeAnswer(200, answer) { Provider = provider.Name, Account = lease.AccountName }, null);
            }
            if (response.IsSuccessStatusCode)
            {
                var usage = new UsageTap();
                var frames = await OpenStreamAsync(call, upstream.Format, passThrough, response, cts, Finish, usage, clientAborted);
                if (frames is null)
                {
                    Finish(new CallOutcome(OutcomeKind.Transient, Detail: "stream failed before its first event"));
                    return (null, new AttemptFailure(lease.AccountName, FailureKind.Upstream, "stream failed before its first event"));
                }
                streamOwnsResources = true;
                return (new StreamAnswer(frames) { Provider = provider.Name, Account = lease.AccountName, Usage = usage }, null);
            }

            var errorBody = await response.Content.ReadAsStringAsync(cts.Token);
            var outcome = UpstreamStatus.Classify(status, response.Headers, DateTimeOffset.UtcNow);
            Finish(outcome);
            if (outcome.Kind == OutcomeKind.ClientError)
                return (new WholeAnswer(status, passThrough
                    ? System.Text.Encoding.UTF8.GetBytes(errorBody)
                    : JsonSerializer.SerializeToUtf8Bytes(call.ClientFormat.EncodeError(upstream.Format.DecodeError(status, errorBody))))
                    { Provider = provider.Name, Account = lease.AccountName }, null);
            return (null, outcome.Kind switch
            {
                OutcomeKind.RateLimited => new AttemptFailure(lease.AccountName, FailureKind.RateLimited, "429", DateTimeOffset.UtcNow + (outcome.RetryAfter ?? TimeSpan.FromSeconds(1))),
                OutcomeKind.Unauthorized => new AttemptFailure(lease.AccountName, FailureKind.Unauthenticated, $"credential refused ({status})"),
                _ => new AttemptFailure(lease.AccountName, FailureKind.Upstream, $"HTTP {status}"),
            });
        }
        catch (OperationCanceledException) when (clientAborted.IsCancellationRequested)
        {
            Finish(CallOutcome.Cancelled);
            throw;
        }
        catch (OperationCanceledException e) when (e.InnerException is TimeoutException && !cts.IsCancellationRequested)
        {
            // HttpClient's own connect timeout, not the provider's whole-call timeout.
            Finish(new CallOutcome(OutcomeKind.Transient, Detail: "connect timeout"));
            return (null, new AttemptFailure(lease.AccountName, FailureKind.Upstream, "could not connect in time"));
        }
        catch (OperationCanceledException)
        {
            Finish(new CallOutcome(OutcomeKind.Transient, Detail: "timeout"));
            return (null, new AttemptFailure(lease.AccountName, FailureKind.Timeout, $"no answer within {provider.Timeout.TotalSeconds:0}s"));
        }
        catch (HttpRequestException e)
        {
            Finish(new CallOutcome(OutcomeKind.Transient, Detail: "connection failed"));
            return (null, new AttemptFailure(lease.AccountName, FailureKind.Upstream, $"connection failed ({e.HttpRequestError})"));
        }
        catch (Exception e) when (e is JsonException or ProtocolException or InvalidOperationException)
        {
            Finish(new CallOutcome(OutcomeKind.Transient, Detail: "unexpected answer"));
            return (null, new AttemptFailure(lease.AccountName, FailureKind.Upstream, $"answered something that is not {upstream.Format.GetType().Name}"));
        }
        finally
        {
            if (!streamOwnsResources)
            {
                response?.Dispose();
                cts.Dispose();
            }
        }
    }

    /// <summary>
    /// Waits for the upstream's first event before anything goes to the client, so a stream that dies
    /// at once still fails over. Null when it did. The returned source owns the response from then on.
    /// </summary>
    private static async Task<Source<ReadOnlyMemory<byte>, Akka.NotUsed>?> OpenStreamAsync(
        InboundCall call, IWireFormat upstreamFormat, bool passThrough, HttpResponseMessage response,
        CancellationTokenSource cts, Action<CallOutcome> finish, UsageTap usage, CancellationToken clientAborted)
    {
        var body = await response.Content.ReadAsStreamAsync(cts.Token);
        var failedInBand = false;
        IAsyncEnumerable<ReadOnlyMemory<byte>> frames;
        if (passThrough)
        {
            if (await StreamPipeline.PeekAsync(StreamPipeline.Chunks(body, cts.Token), cts.Token) is not { } chunks) return null;
            frames = chunks.All;
        }
        else
        {
            if (await StreamPipeline.PeekAsync(StreamPipeline.Events(body, upstreamFormat, cts.Token), cts.Token) is not { Head: not StreamFailed } decoded)
                return null;
            frames = StreamPipeline.Encode(Watch(decoded.All), call.ClientFormat.CreateStreamEncoder(call.Request));
        }

        // Notes what the account and the request log need as events go by.
        async IAsyncEnumerable<StreamEvent> Watch(IAsyncEnumerable<StreamEvent> events)
        {
            await foreach (var e in events)
            {
                failedInBand |= e is StreamFailed;
                if (e is MessageFinished { Usage: { } finished }) usage.Value = finished;
                else if (e is UsageReported reported) usage.Value = reported.Usage;
                yield return e;
            }
        }

        var guarded = StreamPipeline.Guarded(frames, call.ClientFormat.CreateStreamEncoder(call.Request),
            ex => ex switch
            {
                OperationCanceledException when !clientAborted.IsCancellationRequested => ErrorInfo.GatewayTimeout("The upstream did not finish the stream in time."),
                _ => ErrorInfo.BadGateway("The upstream stream failed."),
            },
            failure =>
            {
                finish(failure is not null && !clientAborted.IsCancellationRequested || failedInBand ? new CallOutcome(OutcomeKind.Transient, Detail: "stream broke")
                    : clientAborted.IsCancellationRequested ? CallOutcome.Cancelled
                    : CallOutcome.Success);
                response.Dispose();
                cts.Dispose();
            });
        return Source.From(() => guarded);
    }

    /// <summary>What a relayed answer holds until the client has it.</summary>
    private sealed class Owner(HttpResponseMessage response, CancellationTokenSource cts) : IDisposable
    {
        public void Dispose()
        {
            response.Dispose();
            cts.Dispose();
        }
    }

    private void LogDroppedFields(InboundCall call, IWireFormat upstream)
    {
        var dropped = call.RawBody.Select(p => p.Key).Where(k => !call.ClientFormat.UnderstoodFields.Contains(k)).ToList();
        if (dropped.Count > 0)
            _log.LogDebug("Model {Model}: request fields {Fields} have no equivalent in {Format} and were dropped",
                call.Request.Model, string.Join(", ", dropped), upstream.GetType().Name);
    }

    private static byte[] Translate(byte[] upstreamBody, IWireFormat from, IWireFormat to)
    {
        var json = JsonNode.Parse(upstreamBody) as JsonObject ?? throw new ProtocolException("not a JSON object");
        return Router.Protocols.Json.JsonBytes.Serialize(to.EncodeResponse(from.DecodeResponse(json)));
    }
}
