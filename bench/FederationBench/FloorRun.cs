using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace FederationBench;

/// <summary>
/// The least CPU a federation round can cost on this machine, whatever the framework: the bytes a
/// round moves must cross mutual TLS 1.3 (encrypted by one side, decrypted by the other, through the
/// kernel's loopback both ways) and be hashed with SHA-256 three times (a collaborator checks the
/// model it downloads and hashes the result it uploads; the aggregator checks the upload). Both
/// costs are measured here with nothing else in the way (one TLS connection on 127.0.0.1 carrying
/// large writes; SHA-256 over a large buffer), then scaled to a round of the federation benchmarks.
/// </summary>
/// <remarks>
/// Left out, so the floor is below what any real round costs: HTTP/2 and gRPC framing, storing
/// each result durably, checking and folding results, and the scheduling of 11 processes.
/// </remarks>
internal static class FloorRun
{
    private const long TlsBytes = 400L << 20;
    private const int WriteSize = 1 << 16;

    public static async Task<int> RunAsync(int collaborators, int repeats)
    {
        var c = CultureInfo.InvariantCulture;
        var tls = new List<double>();
        var sha = new List<double>();
        for (var i = 0; i < repeats; i++)
        {
            tls.Add(await TlsNanosecondsPerByteAsync().ConfigureAwait(false));
            sha.Add(Sha256NanosecondsPerByte());
        }

        var tlsNs = FederationRun.Median(tls);
        var shaNs = FederationRun.Median(sha);
        var cores = Environment.ProcessorCount;
        Console.WriteLine(string.Create(c, $"TLS 1.3 (AES-GCM, ECDSA P-384 certificates, both ends and the kernel's loopback): {tlsNs:F2} ns of CPU per byte (median of {repeats}: {string.Join(", ", tls.Select(t => t.ToString("F2", c)))})"));
        Console.WriteLine(string.Create(c, $"SHA-256: {shaNs:F2} ns per byte, {1 / shaNs:F2} GB/s (median of {repeats})"));
        Console.WriteLine(string.Create(c, $"a round of {collaborators} collaborators moves 2 x {collaborators} x model bytes through TLS and hashes 3 x {collaborators} x model bytes: at least {2 * tlsNs + (3 * shaNs):F2} ns x {collaborators} x model bytes of CPU, spread over {cores} cores at best"));
        Console.WriteLine("| benchmark | model bytes | least CPU per round | least seconds per round on " + cores.ToString(c) + " cores | goal |");
        Console.WriteLine("| --- | --- | --- | --- | --- |");
        double oneMillionFloor = 0;
        foreach (var (name, values, goal) in new[] { ("federation-100k", 100_000, "0.03"), ("federation-1m", 1_000_000, "0.10"), ("federation-10m", 10_000_000, "1.5") })
        {
            double bytes = 4.0 * values * collaborators;
            var cpu = bytes * ((2 * tlsNs) + (3 * shaNs)) * 1e-9;
            var floor = cpu / cores;
            if (values == 1_000_000)
            {
                oneMillionFloor = floor;
            }

            Console.WriteLine(string.Create(c, $"| {name} | {4.0 * values / 1e6:F1} MB | {cpu:F3} s | {floor:F3} s | {goal} s |"));
        }

        Console.WriteLine(string.Create(c, $"transport-floor: {oneMillionFloor:F3} s/round at 1M values (baseline 0.10 s/round, the federation-1m goal; ratio {oneMillionFloor / 0.10:F2})"));
        return 0;
    }

    /// <summary>CPU nanoseconds (this process: client and server) per byte sent over one mutual TLS 1.3 connection on loopback.</summary>
    private static async Task<double> TlsNanosecondsPerByteAsync()
    {
        using var serverCertificate = CreateCertificate("localhost");
        using var clientCertificate = CreateCertificate("col01");
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var server = Task.Run(async () =>
        {
            using var accepted = await listener.AcceptTcpClientAsync().ConfigureAwait(false);
            var ssl = new SslStream(accepted.GetStream());
            await using (ssl.ConfigureAwait(false))
            {
                await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                {
                    ServerCertificate = serverCertificate,
                    EnabledSslProtocols = SslProtocols.Tls13,
                    ClientCertificateRequired = true,
                    RemoteCertificateValidationCallback = (_, _, _, _) => true,
                }).ConfigureAwait(false);
                var buffer = new byte[WriteSize];
                long received = 0;
                while (received < TlsBytes)
                {
                    var n = await ssl.ReadAsync(buffer).ConfigureAwait(false);
                    if (n == 0)
                    {
                        break;
                    }

                    received += n;
                }
            }
        });

        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port).ConfigureAwait(false);
        var stream = new SslStream(client.GetStream());
        await using (stream.ConfigureAwait(false))
        {
            await stream.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "localhost",
                EnabledSslProtocols = SslProtocols.Tls13,
                ClientCertificates = [clientCertificate],
                RemoteCertificateValidationCallback = (_, _, _, _) => true,
            }).ConfigureAwait(false);
            var data = new byte[WriteSize];
            RandomNumberGenerator.Fill(data);
            var before = Process.GetCurrentProcess().TotalProcessorTime;
            for (long sent = 0; sent < TlsBytes; sent += WriteSize)
            {
                await stream.WriteAsync(data).ConfigureAwait(false);
            }

            await server.ConfigureAwait(false);
            var used = Process.GetCurrentProcess().TotalProcessorTime - before;
            return used.TotalSeconds * 1e9 / TlsBytes;
        }
    }

    private static double Sha256NanosecondsPerByte()
    {
        var data = new byte[16 << 20];
        RandomNumberGenerator.Fill(data);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var clock = Stopwatch.StartNew();
        const int Passes = 16;
        for (var i = 0; i < Passes; i++)
        {
            hash.AppendData(data);
        }

        _ = hash.GetHashAndReset();
        return clock.Elapsed.TotalSeconds * 1e9 / ((double)Passes * data.Length);
    }

    private static X509Certificate2 CreateCertificate(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA384);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));

        // Through PKCS#12 so that the private key is usable by SslStream on Linux.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }
}
