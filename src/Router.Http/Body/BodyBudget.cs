namespace Router.Http.Body;

/// <summary>
/// Bounds the memory large requests take at once. Decoding and translating a body costs several
/// times its size (strings are UTF-16, each format builds its own tree), so requests of at least
/// <see cref="LargeBody"/> bytes wait, first come first served, until their size fits in the budget;
/// one request alone always fits. Smaller requests never wait. When the last large request is done,
/// <see cref="HeapTrim"/> gives the memory back to the operating system.
/// </summary>
public sealed class BodyBudget(long maxBodyBytes)
{
    public const long LargeBody = 256 * 1024;
    private const long MinimumBudget = 32 * 1024 * 1024;

    private readonly long _budget = Math.Max(MinimumBudget, maxBodyBytes);
    private readonly Queue<(long Bytes, TaskCompletionSource<IDisposable> Waiter)> _waiting = new();
    private readonly HeapTrim _trim = new();
    private long _inUse;

    /// <summary>Bytes currently held by admitted large requests.</summary>
    public long InUse { get { lock (_waiting) return _inUse; } }

    /// <summary>Waits until a body of <paramref name="bytes"/> may be processed; dispose the result when the request is done.</summary>
    public Task<IDisposable> AdmitAsync(long bytes, CancellationToken cancellationToken)
    {
        if (bytes < LargeBody) return Task.FromResult<IDisposable>(Admission.None);
        var charge = Math.Min(bytes, _budget);
        lock (_waiting)
        {
            if (_waiting.Count == 0 && _inUse + charge <= _budget)
            {
                _inUse += charge;
                return Task.FromResult<IDisposable>(new Admission(this, charge));
            }
            var waiter = new TaskCompletionSource<IDisposable>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting.Enqueue((charge, waiter));
            cancellationToken.Register(() => Abandon(waiter, cancellationToken));
            return waiter.Task;
        }
    }

    // A waiter whose client went away leaves the queue, which may let the next ones in.
    private void Abandon(TaskCompletionSource<IDisposable> waiter, CancellationToken cancellationToken)
    {
        if (waiter.TrySetCanceled(cancellationToken)) Release(0);
    }

    private void Release(long charge)
    {
        var idle = false;
        lock (_waiting)
        {
            _inUse -= charge;
            while (_waiting.TryPeek(out var next) && (next.Waiter.Task.IsCompleted || _inUse + next.Bytes <= _budget))
            {
                _waiting.Dequeue();
                if (next.Waiter.Task.IsCompleted) continue; // cancelled while waiting
                _inUse += next.Bytes;
                if (!next.Waiter.TrySetResult(new Admission(this, next.Bytes))) _inUse -= next.Bytes;
            }
            idle = _inUse == 0 && _waiting.Count == 0;
        }
        if (idle && charge > 0) _trim.Request();
    }

    private sealed class Admission(BodyBudget? budget, long charge) : IDisposable
    {
        public static readonly Admission None = new(null, 0);
        private int _disposed;

        public void Dispose()
        {
            if (budget is not null && Interlocked.Exchange(ref _disposed, 1) == 0) budget.Release(charge);
        }
    }
}
