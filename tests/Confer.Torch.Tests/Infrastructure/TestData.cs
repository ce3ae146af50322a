using Confer.Data;

namespace Confer.Torch.Tests.Infrastructure;

internal static class TestData
{
    /// <summary>Random 3×32×32 images with random labels, for the CIFAR-shaped network.</summary>
    public static ImageDataset RandomColourImages(int count, int seed)
    {
        var random = new Random(seed);
        byte[] pixels = new byte[count * 3 * 32 * 32];
        byte[] labels = new byte[count];
        random.NextBytes(pixels);
        for (int i = 0; i < count; i++)
        {
            labels[i] = (byte)random.Next(10);
        }

        return new ImageDataset("random-colour", 3, 32, 32, pixels, labels, 10);
    }

    public static bool SameBytes(Core.ModelState a, Core.ModelState b) =>
        a.Count == b.Count && a.Zip(b).All(p => p.First.Name == p.Second.Name && p.First.Bytes.SequenceEqual(p.Second.Bytes));
}
