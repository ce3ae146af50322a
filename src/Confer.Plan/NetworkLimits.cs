namespace Confer.Plan;

/// <summary>The plan's <c>network.settings.limits</c>: what one collaborator may send and how fast.</summary>
/// <param name="MaxMessageSize">The largest single gRPC message, in bytes (<c>max_message_size</c>, default 16 MiB).</param>
/// <param name="MaxTotalUploadSize">The largest upload of one task result, all chunks together, in bytes (<c>max_total_upload_size</c>, default 2 GiB).</param>
/// <param name="ChunkSize">The size of one streamed chunk of a model state, in bytes (<c>chunk_size</c>, default 64 KiB, below the large object heap threshold so that each received chunk is a short-lived small object; at most <paramref name="MaxMessageSize"/>).</param>
/// <param name="MaxRequestsPerSecond">The sustained request rate allowed per collaborator (<c>max_requests_per_second</c>, default 50).</param>
/// <param name="RequestBurst">The requests a collaborator may make at once above the sustained rate (<c>request_burst</c>, default 100).</param>
/// <param name="MaxUploadBytesPerSecond">The upload rate allowed per collaborator, in bytes per second; 0 is unlimited (<c>max_upload_bytes_per_second</c>, default 0).</param>
public sealed record NetworkLimits(long MaxMessageSize, long MaxTotalUploadSize, int ChunkSize, double MaxRequestsPerSecond, int RequestBurst, long MaxUploadBytesPerSecond);
