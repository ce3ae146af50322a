using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;

namespace Confer.Federation.Grpc.Internal;

/// <summary>Counts the bytes of every connection as they cross the socket (below TLS, so headers, framing and encryption are included).</summary>
internal sealed class WireCounter
{
    private long _read;
    private long _written;

    public long BytesRead => Interlocked.Read(ref _read);

    public long BytesWritten => Interlocked.Read(ref _written);

    public Func<ConnectionDelegate, ConnectionDelegate> Middleware => next => async context =>
    {
        var transport = context.Transport;
        var stream = new CountingStream(transport.Input.AsStream(), transport.Output.AsStream(), this);
        await using (stream.ConfigureAwait(false))
        {
            context.Transport = new Pipe(PipeReader.Create(stream), PipeWriter.Create(stream));
            try
            {
                await next(context).ConfigureAwait(false);
            }
            finally
            {
                context.Transport = transport;
            }
        }
    };

    private sealed class Pipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }

    private sealed class CountingStream(Stream input, Stream output, WireCounter counter) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => output.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => output.FlushAsync(cancellationToken);

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = input.Read(buffer, offset, count);
            Interlocked.Add(ref counter._read, n);
            return n;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var n = await input.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            Interlocked.Add(ref counter._read, n);
            return n;
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            output.Write(buffer, offset, count);
            Interlocked.Add(ref counter._written, count);
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await output.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
            Interlocked.Add(ref counter._written, buffer.Length);
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                input.Dispose();
                output.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
