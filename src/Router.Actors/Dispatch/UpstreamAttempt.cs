using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Router.Actors.Accounts;
using Router.Actors.Providers;
using Router.Actors.Routing;
using Router.Actors.Telemetry;
using Router.Actors.Upstreams;
using Router.Protocols;
using Router.Protocols.Canonical;

namespace Router.Actors.Dispatch;

/// <summary>What one attempt came to: an answer for the client, or the failure that sends the request on.</summary>
public readonly record struct AttemptResult(DispatchResult? Answer, AttemptFailure? Failure)
{
    public static AttemptResult Answered(DispatchResult answer) => new(answer, null);
    public static AttemptResult Failed(AttemptFailure failure) => new(null, failure);
}

/// <summary>
/// One attempt: one upstream call with one lease, outside every mailbox, within a time limit. The
/// lease is finished exactly once, whatever happens (with the stream's end when the answer is a
/// stream). Every exception becomes a classified failure (AttemptFailures), except the client
/// leaving. Whatever the upstream wrote reaches the client only through the account's CredentialMasker.
/// </summary>
public sealed class UpstreamAttempt(ILogger<UpstreamAttempt> log)
{
    public async Task<AttemptResult> RunAsync(InboundCall call, RoutePlan plan, ProviderHandle provider, Lease lease, TimeSpan limit, CancellationToken clientAborted)
    {
        var (upstream, model) = provider.Upstream.For(plan.UpstreamModel);
        var passThrough = ReferenceEquals(upstream.Format, call.ClientFormat);
        // Made only when an upstream body may reach the client unread by the router (errors, streams).
        CredentialMasker? masker = null;
        CredentialMasker Masker() => masker ??= CredentialMasker.For(lease, provider.Definition.Config.Headers);
        var cts = CancellationTokenSource.CreateLinkedTokenSource(clientAborted);
        cts.CancelAfter(limit);
        HttpResponseMessage? response = null;
        var streamOwnsResources = false;
        var finished = 0;
        var inFlight = MetricTags.Provider(provider.Name);
        RouterMetrics.InFlight.Add(1, inFlight);
        var span = RouterTracing.StartAttempt(provider.Name, lease.AccountName);
        void Finish(CallOutcome outcome)
        {
            if (Interlocked.Exchange(ref finished, 1) != 0) return;
            LeaseClient.Finish(provider, lease, outcome);
            RouterMetrics.InFlight.Add(-1, inFlight);
            var label = MetricTags.Outcome(outcome.Kind);
            RouterMetrics.Attempts.Add(1, MetricTags.ProviderAnd(provider.Name, "outcome", label));
            RouterTracing.EndAttempt(span, label);
        }
        DispatchResult Named(DispatchResult answer) => answer with { Provider = provider.Name, Account = lease.AccountName };

        try
        {
            var body = passThrough ? call.ClientFormat.PassThroughBody(call.RawBody, model) : upstream.Format.EncodeRequest(call.Request, model);
            if (!passThrough && log.IsEnabled(LogLevel.Debug))
                LogDroppedFields(call, upstream.Format);
            response = await upstream.SendAsync(
                new UpstreamRequest(body, model, call.Request.Stream, lease.Credential, passThrough ? call.Headers : InboundCall.NoHeaders, lease.AccountHeaders)
                {
                    BodyBytes = passThrough && call.RawBytes is { } raw ? call.ClientFormat.PassThroughBytes(raw, model) : null,
                }, cts.Token);
            var status = (int)response.StatusCode;
            if (!response.IsSuccessStatusCode)
            {
                // The client may see this body: masked before anything else reads it.
                var errorBody = Masker().Apply(await UpstreamBody.ReadAllAsync(response.Content, cts.Token));
                var outcome = UpstreamStatus.Classify(status, response.Headers, DateTimeOffset.UtcNow);
                Finish(outcome);
                if (outcome.Kind != OutcomeKind.ClientError)
                    return AttemptResult.Failed(AttemptFailures.FromStatus(status, outcome, lease.AccountName, DateTimeOffset.UtcNow));
                return AttemptResult.Answered(Named(new WholeAnswer(status, passThrough
                    ? errorBody
                    : JsonSerializer.SerializeToUtf8Bytes(call.ClientFormat.EncodeError(upstream.Format.DecodeError(status, System.Text.Encoding.UTF8.GetString(errorBody)))))));
            }
            if (!call.Request.Stream)
            {
                // Read whole before the client sees a byte: an answer cut short still fails over.
                var bytes = await UpstreamBody.ReadAllAsync(response.Content, cts.Token);
                var (answer, translatedUsage) = passThrough ? (bytes, (Usage?)null) : Translate(bytes, upstream.Format, call.ClientFormat);
                Finish(CallOutcome.Success);
                return AttemptResult.Answered(Named(new WholeAnswer(200, answer) { Usage = translatedUsage }));
            }

            var usage = new UsageTap();
            var frames = await OpenStreamAsync(call, upstream.Format, passThrough, response, cts, Masker(), Finish, usage, clientAborted);
            if (frames is null)
            {
                Finish(new CallOutcome(OutcomeKind.Transient, Detail: "stream failed before its first event"));
                return AttemptResult.Failed(new AttemptFailure(lease.AccountName, FailureKind.Reset, "stream failed before its first event"));
            }
            streamOwnsResources = true;
            return AttemptResult.Answered(Named(new StreamAnswer(frames) { Usage = usage }));
        }
        catch (OperationCanceledException) when (clientAborted.IsCancellationRequested)
        {
            Finish(CallOutcome.Cancelled);
            throw;
        }
        catch (Exception e)
        {
            var failure = AttemptFailures.FromException(e, cts.IsCancellationRequested, lease.AccountName, limit);
            Finish(new CallOutcome(OutcomeKind.Transient, Detail: failure.Detail));
            return AttemptResult.Failed(failure);
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
    /// at once still fails over. Null when it did. The returned frames own the response from then on.
    /// </summary>
    private static async Task<IAsyncEnumerable<ReadOnlyMemory<byte>>?> OpenStreamAsync(
        InboundCall call, IWireFormat upstreamFormat, bool passThrough, HttpResponseMessage response, CancellationTokenSource cts,
        CredentialMasker masker, Action<CallOutcome> finish, UsageTap usage, CancellationToken clientAborted)
    {
        var body = await response.Content.ReadAsStreamAsync(cts.Token);
        var failedInBand = false;
        // The one encoder of this response: it writes the events and, if it comes to that, the failure.
        var encoder = call.ClientFormat.CreateStreamEncoder(call.Request);

        ErrorInfo Describe(Exception e) => e is OperationCanceledException && !clientAborted.IsCancellationRequested
            ? ErrorInfo.GatewayTimeout("The upstream did not finish the stream in time.")
            : ErrorInfo.BadGateway("The upstream stream failed.");

        void Ended(Exception? failure)
        {
            usage.Failed = failure is not null || failedInBand;
            finish(failure is not null && !clientAborted.IsCancellationRequested || failedInBand ? new CallOutcome(OutcomeKind.Transient, Detail: "stream broke")
                : clientAborted.IsCancellationRequested ? CallOutcome.Cancelled
                : CallOutcome.Success);
            response.Dispose();
            cts.Dispose();
        }

        // Notes what the account and the request log need as events go by; masks what an upstream error says.
        async IAsyncEnumerable<StreamEvent> Watch(IAsyncEnumerable<StreamEvent> events)
        {
            await foreach (var e in events)
            {
                if (e is StreamFailed failed)
                {
                    failedInBand = true;
                    yield return new StreamFailed(masker.Apply(failed.Error));
                    continue;
                }
                if (e is MessageFinished { Usage: { } finished }) usage.Value = finished;
                else if (e is UsageReported reported) usage.Value = reported.Usage;
                yield return e;
            }
        }

        if (passThrough)
            return await StreamPipeline.PeekAsync(masker.Apply(StreamPipeline.Chunks(body, cts.Token)), cts.Token) is { } chunks
                ? StreamPipeline.Relayed(chunks.All, encoder, Describe, Ended)
                : null;
        return await StreamPipeline.PeekAsync(Watch(StreamPipeline.Events(body, upstreamFormat, cts.Token)), cts.Token) is { Head: not StreamFailed } decoded
            ? StreamPipeline.Translated(decoded.All, encoder, Describe, Ended)
            : null;
    }

    private void LogDroppedFields(InboundCall call, IWireFormat upstream)
    {
        var dropped = call.RawBody.Select(p => p.Key).Where(k => !call.ClientFormat.UnderstoodFields.Contains(k)).ToList();
        if (dropped.Count > 0)
            log.LogDebug("Model {Model}: request fields {Fields} have no equivalent in {Format} and were dropped",
                call.Request.Model, string.Join(", ", dropped), upstream.GetType().Name);
    }

    /// <summary>The answer in the client's format, and the usage it reports.</summary>
    private static (byte[] Body, Usage? Usage) Translate(byte[] upstreamBody, IWireFormat from, IWireFormat to)
    {
        // Parsed to plain strings: JsonNode.Parse keeps a copy of the bytes and rents its index from the shared pool.
        var json = Router.Protocols.Json.StrictJson.ParseObject(new System.Buffers.ReadOnlySequence<byte>(upstreamBody));
        var response = from.DecodeResponse(json);
        return (Router.Protocols.Json.JsonBytes.Serialize(to.EncodeResponse(response)), response.Usage);
    }
}
