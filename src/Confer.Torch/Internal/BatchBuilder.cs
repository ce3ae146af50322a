using System.Runtime.InteropServices;
using Confer.Data;
using static TorchSharp.torch;

namespace Confer.Torch.Internal;

/// <summary>
/// Turns images of an <see cref="ImageDataset"/> into one float32 input tensor and one int64
/// label tensor per batch, scaling bytes to [0, 1] as torchvision's <c>ToTensor</c> does
/// (no mean/std normalisation). The managed staging buffers are reused across batches; each
/// batch's tensors are fresh native copies, so nothing aliases managed memory.
/// </summary>
internal sealed class BatchBuilder
{
    private readonly ImageDataset _dataset;
    private readonly float[] _pixels;
    private readonly long[] _labels;

    internal BatchBuilder(ImageDataset dataset, int batchSize)
    {
        _dataset = dataset;
        _pixels = new float[checked(batchSize * dataset.ImageSize)];
        _labels = new long[batchSize];
    }

    /// <summary>Builds the batch of the images at <paramref name="indices"/>; the tensors join the current dispose scope.</summary>
    internal (Tensor Images, Tensor Labels) Build(ReadOnlySpan<int> indices)
    {
        int size = _dataset.ImageSize;
        int n = indices.Length;
        ReadOnlySpan<byte> all = _dataset.Pixels;
        ReadOnlySpan<byte> labels = _dataset.Labels;
        for (int i = 0; i < n; i++)
        {
            int index = indices[i];
            ReadOnlySpan<byte> image = all.Slice(checked(index * size), size);
            Span<float> target = _pixels.AsSpan(i * size, size);
            for (int j = 0; j < size; j++)
            {
                // Division, not multiplication by 1/255, so values match PyTorch's ToTensor bit for bit.
                target[j] = image[j] / 255f;
            }

            _labels[i] = labels[index];
        }

        Tensor images = empty([n, _dataset.Channels, _dataset.Height, _dataset.Width], ScalarType.Float32);
        MemoryMarshal.AsBytes(_pixels.AsSpan(0, n * size)).CopyTo(images.bytes);
        Tensor labelTensor = empty([n], ScalarType.Int64);
        MemoryMarshal.AsBytes(_labels.AsSpan(0, n)).CopyTo(labelTensor.bytes);
        return (images, labelTensor);
    }
}
