using System.Net;
using System.Net.Sockets;

namespace Confer.Cli.Commands.Lifecycle;

/// <summary>This machine's fully qualified domain name: OpenFL's default aggregator address (<c>socket.getfqdn()</c>).</summary>
internal static class MachineName
{
    public static string Fqdn()
    {
        string host = Dns.GetHostName();
        try
        {
            string canonical = Dns.GetHostEntry(host).HostName;
            // A resolver that only knows the short name answers with it; a dotted name is the better answer.
            return (canonical.Contains('.', StringComparison.Ordinal) || !host.Contains('.', StringComparison.Ordinal) ? canonical : host).ToLowerInvariant();
        }
        catch (SocketException)
        {
            return host.ToLowerInvariant();
        }
    }
}
