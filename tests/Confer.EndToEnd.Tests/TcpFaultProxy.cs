using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Confer.EndToEnd.Tests;

/// <summary>Which way bytes travel through a <see cref="TcpFaultProxy"/>.</summary>
internal enum ProxyDirection
{
    /// <summary>From the collaborator to the aggregator (requests, result uploads).</summary>
    Upstream,

    /// <summary>From the aggregator to the collaborator (answers, model downloads).</summary>
    Downstream,
}

/// <summary>Where a <see cref="TcpFaultProxy.CutAfter"/> cut happened.</summary>
/// <param name="Direction">The direction whose byte count armed the cut.</param>
/// <param name="BytesSinceArmed">Bytes that passed in that direction between arming and the cut.</param>
/// <param name="ConnectionBytes">Bytes that passed in that direction on the cut connection.</param>
internal sealed record ProxyCut(ProxyDirection Direction, long BytesSinceArmed, long ConnectionBytes);

/// <summary>
/// A TCP relay on a dynamic loopback port in front of the aggregator's port, for outage tests. It
/// passes bytes both ways untouched (so TLS is end to end between the real processes) and lets the
/// test, while the federation runs, drop every open connection, refuse or blackhole new ones, add a
/// delay to every relayed chunk, and cut a connection once a given number of bytes has passed in one
/// direction. It counts connections and bytes, so a test can assert that a fault really happened.
/// </summary>
internal sealed partial class TcpFaultProxy : IAsyncDisposable
{
    private const int BufferSize = 16 * 1024;

    private readonly TcpListener _listener;
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<Link, byte> _links = new();
    private readonly ConcurrentBag<Socket> _held = [];
    private readonly Lock _gate = new();
    private readonly Task _accepting;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Cut? _cut;
    private long _bytesUp;
    private long _bytesDown;
    private int _accepted;
    private int _dropped;
    private int _refused;
    private int _blackholed;
    private int _delayedChunks;
    private volatile bool _refusing;
    private volatile bool _blackholing;
    private long _delayTicks;

    private TcpFaultProxy(int targetPort)
    {
        _targetPort = targetPort;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _accepting = AcceptLoopAsync();
    }

    /// <summary>The port the proxy listens on.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>The address a collaborator dials to go through the proxy (the aggregator's certificate is for localhost).</summary>
    public string Address => FormattableString.Invariant($"https://localhost:{Port}");

    /// <summary>Bytes relayed from the collaborator to the aggregator.</summary>
    public long BytesUp => Interlocked.Read(ref _bytesUp);

    /// <summary>Bytes relayed from the aggregator to the collaborator.</summary>
    public long BytesDown => Interlocked.Read(ref _bytesDown);

    /// <summary>Connections accepted and relayed.</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    /// <summary>Open connections closed by <see cref="DropAll"/> or a cut.</summary>
    public int Dropped => Volatile.Read(ref _dropped);

    /// <summary>New connections reset at once while refusing.</summary>
    public int Refused => Volatile.Read(ref _refused);

    /// <summary>New connections held without an answer while blackholing.</summary>
    public int Blackholed => Volatile.Read(ref _blackholed);

    /// <summary>Chunks that were relayed after the added delay.</summary>
    public int DelayedChunks => Volatile.Read(ref _delayedChunks);

    /// <summary>Connections open now.</summary>
    public int Open => _links.Count;

    /// <summary>A pause before each relayed chunk (a read of up to 16 KiB), both ways. Zero: none.</summary>
    public TimeSpan ChunkDelay
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _delayTicks));
        set => Interlocked.Exchange(ref _delayTicks, value.Ticks);
    }

    /// <summary>Starts a proxy in front of <c>127.0.0.1:<paramref name="targetPort"/></c>.</summary>
    public static TcpFaultProxy Start(int targetPort) => new(targetPort);

    /// <summary>Resets every open connection now (both sides see a connection reset); returns how many.</summary>
    public int DropAll()
    {
        int count = 0;
        foreach (Link link in _links.Keys)
        {
            if (link.Abort())
            {
                count++;
            }
        }

        Interlocked.Add(ref _dropped, count);
        Signal();
        return count;
    }

    /// <summary>While on, a new connection is accepted and reset at once (the aggregator looks down); open ones are left alone.</summary>
    public void Refuse(bool on)
    {
        _refusing = on;
        Signal();
    }

    /// <summary>
    /// While on, a new connection is accepted and then nothing: no byte is relayed either way (a
    /// firewall that drops packets). Turning it off resets the held connections.
    /// </summary>
    public void Blackhole(bool on)
    {
        _blackholing = on;
        if (!on)
        {
            while (_held.TryTake(out Socket? socket))
            {
                Reset(socket);
            }
        }

        Signal();
    }

    /// <summary>
    /// Arms a cut: counting the bytes that pass in <paramref name="direction"/> from now on, on any
    /// connection, the connection that carries byte number <paramref name="bytes"/> relays exactly up
    /// to it and is then reset. The task completes when the cut happened. One cut at a time.
    /// </summary>
    public Task<ProxyCut> CutAfter(ProxyDirection direction, long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bytes);
        var cut = new Cut(direction, bytes);
        lock (_gate)
        {
            if (_cut is { Done.Task.IsCompleted: false })
            {
                throw new InvalidOperationException("A cut is already armed.");
            }

            _cut = cut;
        }

        return cut.Done.Task;
    }

    /// <summary>Completes when <paramref name="condition"/> holds (checked on every change of the proxy's counters), or fails after <paramref name="timeout"/>.</summary>
    public async Task WaitUntilAsync(Func<TcpFaultProxy, bool> condition, TimeSpan timeout, string what)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                changed = _changed.Task;
            }

            if (condition(this))
            {
                return;
            }

            try
            {
                await changed.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"The proxy did not see {what} within {timeout}: {this}");
            }
        }
    }

    public override string ToString() =>
        $"proxy :{Port} -> :{_targetPort}: {Accepted} connections accepted, {Open} open, {Dropped} dropped, {Refused} refused, {Blackholed} blackholed; {BytesUp} bytes up, {BytesDown} down; {DelayedChunks} chunks delayed";

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        Blackhole(false);
        foreach (Link link in _links.Keys)
        {
            link.Abort();
        }

        try
        {
            await _accepting.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopping the listener ends the accept loop with one of these.
        }

        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            if (_refusing)
            {
                Reset(client);
                Interlocked.Increment(ref _refused);
                Signal();
                continue;
            }

            if (_blackholing)
            {
                _held.Add(client);
                Interlocked.Increment(ref _blackholed);
                Signal();
                continue;
            }

            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(Socket client)
    {
        var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.NoDelay = true;
        try
        {
            await server.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException)
        {
            // The aggregator is not listening: the collaborator sees what it would see without the proxy.
            Reset(client);
            server.Dispose();
            return;
        }

        var link = new Link(client, server);
        _links.TryAdd(link, 0);
        Interlocked.Increment(ref _accepted);
        Signal();
        await Task.WhenAll(PumpAsync(link, ProxyDirection.Upstream), PumpAsync(link, ProxyDirection.Downstream));
        link.Abort();
        _links.TryRemove(link, out _);
        Signal();
    }

    private async Task PumpAsync(Link link, ProxyDirection direction)
    {
        (Socket from, Socket to) = direction == ProxyDirection.Upstream ? (link.Client, link.Server) : (link.Server, link.Client);
        byte[] buffer = new byte[BufferSize];
        try
        {
            while (true)
            {
                int read = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (read == 0)
                {
                    // An orderly close travels on as one.
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }

                TimeSpan delay = ChunkDelay;
                if (delay > TimeSpan.Zero)
                {
                    await Task.Delay(delay, _stop.Token);
                    Interlocked.Increment(ref _delayedChunks);
                }

                int pass = read;
                Cut? cut = null;
                lock (_gate)
                {
                    if (_cut is { } armed && armed.Direction == direction && !armed.Done.Task.IsCompleted)
                    {
                        long left = armed.Bytes - armed.Counted;
                        if (read >= left)
                        {
                            pass = (int)left;
                            cut = armed;
                        }

                        armed.Counted += pass;
                    }
                }

                await to.SendAsync(buffer.AsMemory(0, pass), SocketFlags.None, _stop.Token);
                long total = link.Add(direction, pass);
                Interlocked.Add(ref direction == ProxyDirection.Upstream ? ref _bytesUp : ref _bytesDown, pass);
                if (cut is not null)
                {
                    if (link.Abort())
                    {
                        Interlocked.Increment(ref _dropped);
                    }

                    cut.Done.TrySetResult(new ProxyCut(direction, cut.Bytes, total));
                    Signal();
                    return;
                }

                Signal();
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException or IOException)
        {
            // The other side went away, or the connection was dropped: end both directions.
            link.Abort();
        }
    }

    private static void Reset(Socket socket)
    {
        try
        {
            // Linger 0: close sends a reset instead of a graceful end.
            socket.LingerState = new LingerOption(true, 0);
            socket.Close();
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already gone.
        }
    }

    private void Signal()
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }
}
