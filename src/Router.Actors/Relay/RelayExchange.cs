using Router.Protocols.Relay;
using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Router.Actors.Relay;

/// <summary>
/// One request in flight on a worker's socket: turns the worker's answer frames into an
/// <see cref="HttpResponseMessage"/> — whole (http_response) or streamed (stream_start, stream_chunk...,
/// stream_end), whose body the caller reads while chunks still arrive. Failures look like an HTTP
/// client's: before the answer starts an HttpRequestException (or, for an error frame with a status,
/// a response with that status); after, the body read throws IOException.
/// </summary>
internal sealed class RelayExchange
{
    // Never pauses the socket's reader: one slow client must not stall every other request on the socket.
    private static readonly PipeOptions Unpaused = new(pauseWriterThreshold: 0, resumeWriterThreshold: 0, useSynchronizationContext: false);

    private readonly TaskCompletionSource<HttpResponseMessage> _head = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Pipe _body = new(Unpaused);
    private readonly Lock _lock = new();
    private bool _streaming;
    private bool _done;

    public Task<HttpResponseMessage> Head => _head.Task;

    /// <summary>Applies a frame the worker sent for this request (read as a tree); true when the exchange is over.</summary>
    public bool Accept(RelayFrame frame)
    {
        lock (_lock)
        {
            if (_done) return true;
            switch (frame.Type)
            {
                case RelayTypes.HttpResponse:
                    return Whole(frame.Status, frame.Headers(), frame.Bytes("body"));
                case RelayTypes.StreamStart:
                    return Started(frame.Status, frame.Headers());
                case RelayTypes.StreamChunk:
                    return Chunk(frame.Bytes("data").Span);
                case RelayTypes.StreamEnd:
                    return Ended();
                case RelayTypes.Error:
                    FailWith(frame);
                    return true;
                default:
                    return false;
            }
        }
    }

    /// <summary>
    /// Applies an answer message read in place (<see cref="RelayMessage"/>): a stream chunk's data, already unescaped,
    /// is copied into the body. True when the exchange is over.
    /// </summary>
    public bool Accept(in RelayMessage message)
    {
        lock (_lock)
        {
            if (_done) return true;
            switch (message.Type)
            {
                case RelayTypes.HttpResponse:
                    return Whole(message.Status, message.HeaderLists(), message.Body.ToBytes());
                case RelayTypes.StreamStart:
                    return Started(message.Status, message.HeaderLists());
                case RelayTypes.StreamChunk:
                    return Chunk(message.Data.Text);
                case RelayTypes.StreamEnd:
                    return Ended();
                default:
                    return false;
            }
        }
    }

    private bool Started(int? status, IEnumerable<(string, IReadOnlyList<string>)> headers)
    {
        StartStream(status ?? 200, headers);
        return false;
    }

    /// <summary>A stream's chunk (one without a start starts the stream); true when its reader has gone.</summary>
    private bool Chunk(ReadOnlySpan<byte> data)
    {
        StartStream(200, []);
        _body.Writer.Write(data);
        return !data.IsEmpty && Flushed();
    }

    private bool Ended()
    {
        StartStream(200, []);
        return End();
    }

    /// <summary>A whole answer (http_response); after a stream's start its body is the rest of the stream.</summary>
    private bool Whole(int? status, IEnumerable<(string, IReadOnlyList<string>)> headers, ReadOnlyMemory<byte> body)
    {
        if (_streaming)
        {
            _body.Writer.Write(body.Span);
            return End();
        }
        _head.TrySetResult(Response(status ?? 200, headers, new ReadOnlyMemoryContent(body)));
        return _done = true;
    }

    /// <summary>The socket went away (or the worker was replaced) while this request was in flight.</summary>
    public void Fail(string reason)
    {
        lock (_lock)
        {
            if (_done) return;
            _done = true;
            if (_streaming) _body.Writer.Complete(new IOException($"relay worker: {reason}"));
            else _head.TrySetException(new HttpRequestException(HttpRequestError.ResponseEnded, $"relay worker: {reason}"));
        }
    }

    /// <summary>The caller gave up (timeout, client gone): a wait for the answer ends as cancelled, as an HTTP client's does.</summary>
    public void Cancel(CancellationToken token)
    {
        lock (_lock)
        {
            if (_done) return;
            if (_streaming)
            {
                Fail("the request was cancelled");
                return;
            }
            _done = true;
            _head.TrySetCanceled(token);
        }
    }

    private void FailWith(RelayFrame frame)
    {
        var message = RelayFrame.Text(frame.Payload?["error"]) is { Length: > 0 } text ? text : "the worker reported an error";
        if (!_streaming && frame.Status is >= 400 and <= 599 and var status)
        {
            _done = true;
            _head.TrySetResult(Response(status, [], new ByteArrayContent(GeminiError(status, message))));
            return;
        }
        Fail(message);
    }

    private void StartStream(int status, IEnumerable<(string, IReadOnlyList<string>)> headers)
    {
        if (_streaming) return;
        _streaming = true;
        _head.TrySetResult(Response(status, headers, new StreamContent(_body.Reader.AsStream())));
    }

    /// <summary>
    /// Hands what was written to the body's reader. When the reader has gone (the client left, the call timed out)
    /// the exchange is over and the rest of the stream is dropped: true.
    /// </summary>
    private bool Flushed()
    {
        var flush = _body.Writer.FlushAsync(); // completes at once: the writer never pauses
        return flush.IsCompletedSuccessfully && flush.Result.IsCompleted && End();
    }

    private bool End()
    {
        _done = true;
        _body.Writer.Complete();
        return true;
    }

    // Framing headers describe the worker's own transfer, not this body.
    private static readonly HashSet<string> Dropped = new(StringComparer.OrdinalIgnoreCase) { "content-length", "transfer-encoding", "content-encoding", "connection" };

    /// <summary>An answer with the worker's status; one no HTTP server could send (outside 100–599) is a bad gateway.</summary>
    private static HttpResponseMessage Response(int status, IEnumerable<(string Name, IReadOnlyList<string> Values)> headers, HttpContent content)
    {
        var response = new HttpResponseMessage(status is >= 100 and <= 599 ? (HttpStatusCode)status : HttpStatusCode.BadGateway) { Content = content };
        foreach (var (name, values) in headers)
        {
            if (Dropped.Contains(name)) continue;
            if (!response.Headers.TryAddWithoutValidation(name, values))
                content.Headers.TryAddWithoutValidation(name, values);
        }
        return response;
    }

    /// <summary>An error frame with a status, as the Gemini API would have answered it.</summary>
    private static byte[] GeminiError(int status, string message) => JsonSerializer.SerializeToUtf8Bytes(new JsonObject
    {
        ["error"] = new JsonObject { ["code"] = status, ["message"] = message, ["status"] = GoogleStatus(status) },
    });

    private static string GoogleStatus(int status) => status switch
    {
        400 => "INVALID_ARGUMENT",
        401 => "UNAUTHENTICATED",
        403 => "PERMISSION_DENIED",
        404 => "NOT_FOUND",
        429 => "RESOURCE_EXHAUSTED",
        504 => "DEADLINE_EXCEEDED",
        _ => "UNAVAILABLE",
    };
}
