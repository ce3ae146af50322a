using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Confer.EndToEnd.Tests;

// One relayed connection of the proxy and the cuts armed on it.
internal sealed partial class TcpFaultProxy
{
    private sealed class Cut(ProxyDirection direction, long bytes)
    {
        public ProxyDirection Direction { get; } = direction;

        public long Bytes { get; } = bytes;

        public long Counted { get; set; }

        public TaskCompletionSource<ProxyCut> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class Link(Socket client, Socket server)
    {
        private int _aborted;
        private long _up;
        private long _down;

        public Socket Client { get; } = client;

        public Socket Server { get; } = server;

        public long Add(ProxyDirection direction, long bytes) =>
            Interlocked.Add(ref direction == ProxyDirection.Upstream ? ref _up : ref _down, bytes);

        /// <summary>Resets both sides; true the first time.</summary>
        public bool Abort()
        {
            if (Interlocked.Exchange(ref _aborted, 1) != 0)
            {
                return false;
            }

            Reset(Client);
            Reset(Server);
            return true;
        }
    }
}
