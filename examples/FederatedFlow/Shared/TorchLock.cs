using TorchSharp;

namespace Confer.Examples;

/// <summary>
/// Dropout draws its masks from libtorch's single global generator. To make every run bit-identical
/// whatever the backend, each training task seeds that generator from its round and collaborator and
/// holds this lock while it trains; validation needs no random numbers and runs concurrently.
/// </summary>
internal static class TrainingLock
{
    private static readonly Lock Gate = new();

    public static T Run<T>(int round, string collaborator, Func<T> train)
    {
        lock (Gate)
        {
            torch.manual_seed(unchecked((round * 1_000_003L) + StableHash(collaborator)));
            return train();
        }
    }

    private static long StableHash(string text)
    {
        long hash = 17;
        foreach (char c in text)
        {
            hash = unchecked((hash * 31) + c);
        }

        return hash;
    }
}
