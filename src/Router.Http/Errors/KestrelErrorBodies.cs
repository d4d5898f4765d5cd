using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks.Sources;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Router.Protocols.Canonical;

namespace Router.Http.Errors;

/// <summary>
/// Kestrel answers a request it cannot parse (a Content-Length that is not a number, control bytes
/// in a header, a request line or headers beyond its raised limits) on its own, before any
/// middleware runs, with an empty body. This connection filter sees what Kestrel writes: such an
/// answer (a 4xx with "Content-Length: 0" and "Connection: close", which the router's own answers
/// never are) gets a JSON body in the caller's format, the caller told from the request line last read.
/// </summary>
public static class KestrelErrorBodies
{
    public static void Use(ListenOptions listen) => listen.Use(next => async connection =>
    {
        var transport = connection.Transport;
        var input = new RequestLineReader(transport.Input);
        connection.Transport = new Pipe(input, new ErrorBodyWriter(transport.Output, input));
        try
        {
            await next(connection);
        }
        finally
        {
            connection.Transport = transport;
        }
    });

    private sealed record Pipe(PipeReader Input, PipeWriter Output) : IDuplexPipe;

    /// <summary>
    /// Remembers the path of the last request line seen at the start of a read. Every read of a kept-alive
    /// connection waits for the client's next request: a read that must wait is this reader's own value-task
    /// source, completed from the inner read's continuation, so waiting allocates nothing (an async method
    /// would allocate, or rent from a pool that runs dry with many connections waiting at once).
    /// </summary>
    private sealed class RequestLineReader(PipeReader inner) : PipeReader, IValueTaskSource<ReadResult>
    {
        private const int Scanned = 512;

        // Continuations run where the inner read completes, as an awaiting async method's would.
        private ManualResetValueTaskSourceCore<ReadResult> _waiting;
        private ConfiguredValueTaskAwaitable<ReadResult>.ConfiguredValueTaskAwaiter _read;
        private Action? _onRead;

        public PathString LastPath { get; private set; } = PathString.Empty;

        public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
        {
            var read = inner.ReadAsync(cancellationToken);
            if (read.IsCompletedSuccessfully) return new ValueTask<ReadResult>(Seen(read.Result));
            _waiting.Reset();
            var awaiter = read.ConfigureAwait(false).GetAwaiter();
            _read = awaiter; // before registering: the continuation may run at once, inside UnsafeOnCompleted
            awaiter.UnsafeOnCompleted(_onRead ??= OnRead);
            return new ValueTask<ReadResult>(this, _waiting.Version);
        }

        private void OnRead()
        {
            var read = _read;
            _read = default;
            ReadResult result;
            try
            {
                result = Seen(read.GetResult());
            }
            catch (Exception e)
            {
                _waiting.SetException(e);
                return;
            }
            _waiting.SetResult(result);
        }

        ReadResult IValueTaskSource<ReadResult>.GetResult(short token) => _waiting.GetResult(token);
        ValueTaskSourceStatus IValueTaskSource<ReadResult>.GetStatus(short token) => _waiting.GetStatus(token);
        void IValueTaskSource<ReadResult>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            _waiting.OnCompleted(continuation, state, token, flags);

        public override bool TryRead(out ReadResult result)
        {
            if (!inner.TryRead(out result)) return false;
            Seen(result);
            return true;
        }

        private ReadResult Seen(ReadResult result)
        {
            var buffer = result.Buffer;
            if (buffer.IsEmpty || !char.IsAsciiLetterUpper((char)buffer.FirstSpan[0])) return result;
            // Read in place (no copy, no string) unless the request line's start spans segments.
            var length = (int)Math.Min(Scanned, buffer.Length);
            Span<byte> copy = stackalloc byte[Scanned];
            scoped ReadOnlySpan<byte> head;
            if (buffer.FirstSpan.Length >= length)
                head = buffer.FirstSpan[..length];
            else
            {
                buffer.Slice(0, length).CopyTo(copy);
                head = copy[..length];
            }
            var space = head.IndexOf((byte)' ');
            if (space is > 2 and < 10 && !head[..space].ContainsAnyExceptInRange((byte)'A', (byte)'Z') && space + 1 < head.Length && head[space + 1] == '/')
            {
                var path = head[(space + 1)..];
                var end = path.IndexOfAny(" ?\r\n"u8);
                if (end >= 0) path = path[..end];
                if (!IsLastPath(path)) LastPath = new PathString(Encoding.Latin1.GetString(path));
            }
            return result;
        }

        /// <summary>The same path as last time (the usual case on a kept-alive connection): nothing to make.</summary>
        private bool IsLastPath(ReadOnlySpan<byte> path)
        {
            var last = LastPath.Value ?? "";
            if (last.Length != path.Length) return false;
            for (var i = 0; i < path.Length; i++)
                if (last[i] != path[i]) return false;
            return true;
        }

        public override void AdvanceTo(SequencePosition consumed) => inner.AdvanceTo(consumed);
        public override void AdvanceTo(SequencePosition consumed, SequencePosition examined) => inner.AdvanceTo(consumed, examined);
        public override void CancelPendingRead() => inner.CancelPendingRead();
        public override void Complete(Exception? exception = null) => inner.Complete(exception);
    }

    /// <summary>Passes every write through, but for Kestrel's bodiless error answers, which it completes.</summary>
    private sealed class ErrorBodyWriter(PipeWriter inner, RequestLineReader requests) : PipeWriter
    {
        private static readonly byte[] ErrorStart = "HTTP/1.1 4"u8.ToArray();
        private static readonly byte[] EmptyBody = "\r\nContent-Length: 0\r\n"u8.ToArray();
        private static readonly byte[] Closing = "\r\nConnection: close\r\n"u8.ToArray();
        private Memory<byte> _lent;

        public override Memory<byte> GetMemory(int sizeHint = 0) => _lent = inner.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

        public override void Advance(int bytes)
        {
            var written = _lent.Span[..bytes];
            if (!written.StartsWith(ErrorStart) || written.IndexOf(EmptyBody) < 0 || written.IndexOf(Closing) < 0 || !written.EndsWith("\r\n\r\n"u8))
            {
                inner.Advance(bytes);
                return;
            }
            var head = Encoding.Latin1.GetString(written);
            inner.Write(WithBody(head));
        }

        private byte[] WithBody(string head)
        {
            var status = int.Parse(head.AsSpan(9, 3));
            var error = new ErrorInfo(status, ErrorInfo.KindForStatus(status), status switch
            {
                414 => "The request URL is too long.",
                431 => "The request headers are too large.",
                _ => "The request is malformed: its request line or headers could not be parsed.",
            });
            var body = JsonSerializer.SerializeToUtf8Bytes(CallerFormat.For(requests.LastPath).EncodeError(error));
            var headers = head[..^2].Replace("\r\nContent-Length: 0\r\n", $"\r\nContent-Length: {body.Length}\r\nContent-Type: application/json\r\n");
            return [.. Encoding.Latin1.GetBytes(headers + "\r\n"), .. body];
        }

        public override void CancelPendingFlush() => inner.CancelPendingFlush();
        public override void Complete(Exception? exception = null) => inner.Complete(exception);
        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default) => inner.FlushAsync(cancellationToken);
        public override bool CanGetUnflushedBytes => inner.CanGetUnflushedBytes;
        public override long UnflushedBytes => inner.UnflushedBytes;
    }
}
