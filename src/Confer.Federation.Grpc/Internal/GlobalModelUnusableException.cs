namespace Confer.Federation.Grpc.Internal;

/// <summary>Every download of a round's global model failed its offset or hash check: the collaborator cannot train on it.</summary>
internal sealed class GlobalModelUnusableException(int round, int downloads, Exception innerException)
    : Exception($"Gave up on the global model of round {round} after {downloads} downloads that failed their check; the last: {innerException.Message}", innerException)
{
    public int Round { get; } = round;
}
