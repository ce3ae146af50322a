using TorchSharp;

namespace Confer.Examples;

/// <summary>
/// libtorch keeps process-wide state that a step cannot give its own copy of: dropout draws from
/// one global generator (and so does every new layer's default initialisation, even when its
/// weights are overwritten right after), and the trainer switches oneDNN around the backward pass
/// for the whole process. So that every run is bit-identical whatever the backend, torch work in
/// these examples takes turns: training seeds the generator from its round and collaborator, and
/// building a network or validating waits for training to finish. The parallel backend still
/// overlaps everything else a task does (decoding, encoding, the runtime's bookkeeping).
/// </summary>
internal static class TorchLock
{
    private static readonly Lock Gate = new();

    public static T Train<T>(int round, string collaborator, Func<T> train)
    {
        lock (Gate)
        {
            torch.manual_seed(unchecked((round * 1_000_003L) + StableHash(collaborator)));
            return train();
        }
    }

    public static T Run<T>(Func<T> work)
    {
        lock (Gate)
        {
            return work();
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
