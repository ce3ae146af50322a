using System.Globalization;
using Confer.Core.Aggregation.Internal;

namespace Confer.Core.Aggregation;

/// <summary>
/// The checks every update passes before it is aggregated: same tensor names, order, shapes and
/// element types as the global model; only finite floating-point values; a positive finite
/// weight. Each check throws <see cref="UpdateRejectedException"/> naming the tensor (and element)
/// to blame. The aggregator runs these at upload time, before acknowledging a result, and the
/// aggregators run them again before folding.
/// </summary>
public static class UpdateValidator
{
    /// <summary>Runs every check on one update.</summary>
    /// <param name="reference">The global model (or any state with the expected layout).</param>
    /// <param name="update">The update to check.</param>
    /// <param name="weight">The update's weight, normally its example count.</param>
    /// <param name="description">What the update is, for messages, e.g. "the update from portland".</param>
    /// <exception cref="UpdateRejectedException">The first problem found.</exception>
    public static void Validate(ModelState reference, ModelState update, double weight, string description = "the update")
    {
        EnsureValidWeight(weight, description);
        EnsureSameLayout(reference, update, description);
        EnsureFinite(update, description);
    }

    /// <summary>Checks that a weight is finite and greater than zero.</summary>
    /// <param name="weight">The weight, normally an example count.</param>
    /// <param name="description">What the update is, for the message.</param>
    /// <exception cref="UpdateRejectedException">The weight is NaN, infinite, zero or negative (<see cref="UpdateRejectionReason.InvalidWeight"/>).</exception>
    public static void EnsureValidWeight(double weight, string description = "the update")
    {
        if (!double.IsFinite(weight) || weight <= 0)
        {
            throw new UpdateRejectedException(
                string.Create(CultureInfo.InvariantCulture, $"{Capitalize(description)} has weight {weight}; a weight is its number of examples and must be finite and greater than zero. A collaborator that trained on no examples should report a failure instead of a result."),
                UpdateRejectionReason.InvalidWeight,
                tensorName: null,
                elementIndex: null,
                value: weight);
        }
    }

    /// <summary>Checks that <paramref name="update"/> has the names, order, shapes and element types of <paramref name="reference"/>.</summary>
    /// <param name="reference">The expected layout.</param>
    /// <param name="update">The update to check.</param>
    /// <param name="description">What the update is, for the message.</param>
    /// <exception cref="UpdateRejectedException">The first mismatching, missing or unexpected tensor (<see cref="UpdateRejectionReason.LayoutMismatch"/>).</exception>
    public static void EnsureSameLayout(ModelState reference, ModelState update, string description = "the update")
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(update);
        string? mismatch = reference.FindFirstMismatch(update);
        if (mismatch is null)
        {
            return;
        }

        string tensorName = FirstMismatchingTensor(reference, update);
        throw new UpdateRejectedException(
            $"{Capitalize(description)} does not match the global model: {mismatch}. Every collaborator must train the plan's model unchanged.",
            UpdateRejectionReason.LayoutMismatch,
            tensorName,
            elementIndex: null,
            value: null);
    }

    /// <summary>Checks that no floating-point element of <paramref name="update"/> is NaN or infinite.</summary>
    /// <param name="update">The update to check.</param>
    /// <param name="description">What the update is, for the message.</param>
    /// <exception cref="UpdateRejectedException">The first non-finite element in tensor order, then row-major order (<see cref="UpdateRejectionReason.NonFiniteValue"/>).</exception>
    public static void EnsureFinite(ModelState update, string description = "the update")
    {
        ArgumentNullException.ThrowIfNull(update);
        foreach (NamedTensor tensor in update)
        {
            long bad = ElementKernels.FindFirstNonFinite(tensor, 0, tensor.ElementCount);
            if (bad >= 0)
            {
                ThrowNonFinite(tensor, bad, description);
            }
        }
    }

    /// <summary>
    /// Checks an update still in its encoded form (a received buffer or a mapped file), without
    /// decoding it into a model-sized copy: the layout of <paramref name="reference"/> (names, order,
    /// element types, shapes, data lengths), then that no floating-point element is NaN or infinite.
    /// </summary>
    /// <param name="reference">The expected layout (the global model).</param>
    /// <param name="encoded">The update as <c>confer.v1.ModelStateProto</c> bytes.</param>
    /// <param name="description">What the update is, for the message.</param>
    /// <exception cref="ModelStateException">The bytes are not a valid encoding.</exception>
    /// <exception cref="UpdateRejectedException">A layout mismatch (<see cref="UpdateRejectionReason.LayoutMismatch"/>) or a non-finite value (<see cref="UpdateRejectionReason.NonFiniteValue"/>), the first one in tensor order.</exception>
    public static void ValidateEncoded(ModelState reference, ReadOnlySpan<byte> encoded, string description = "the update")
    {
        ArgumentNullException.ThrowIfNull(reference);
        int count = 0;
        ModelStateSerializer.ReadTensors(encoded, tensor =>
        {
            if (tensor.Index >= reference.Count || !tensor.HasLayoutOf(reference[tensor.Index]))
            {
                throw LayoutMismatch(description, ModelStateSerializer.DescribeLayoutMismatch(reference, tensor), tensor.Name);
            }

            long bad = ElementKernels.FindFirstNonFinite(tensor.ElementType, tensor.Data, 0, reference[tensor.Index].ElementCount);
            if (bad >= 0)
            {
                ThrowNonFinite(tensor.ToNamedTensor(), bad, description);
            }

            count++;
        });
        if (count < reference.Count)
        {
            throw LayoutMismatch(description, $"tensor '{reference[count].Name}' is missing (expected {reference.Count} tensors, got {count})", reference[count].Name);
        }
    }

    private static UpdateRejectedException LayoutMismatch(string description, string mismatch, string tensorName) =>
        new(
            $"{Capitalize(description)} does not match the global model: {mismatch}. Every collaborator must train the plan's model unchanged.",
            UpdateRejectionReason.LayoutMismatch,
            tensorName,
            elementIndex: null,
            value: null);

    /// <summary>Throws the rejection for a non-finite element.</summary>
    internal static void ThrowNonFinite(NamedTensor tensor, long index, string description)
    {
        double value = ElementKernels.ReadAsDouble(tensor, index);
        throw new UpdateRejectedException(
            string.Create(
                CultureInfo.InvariantCulture,
                $"{Capitalize(description)} has a non-finite value {value} in tensor '{tensor.Name}' at element {index} (index {ElementKernels.FormatIndex(tensor.Shape, index)} of shape {tensor.ShapeText}). Training diverged on that collaborator: lower its learning rate or check its data."),
            UpdateRejectionReason.NonFiniteValue,
            tensor.Name,
            index,
            value);
    }

    private static string FirstMismatchingTensor(ModelState reference, ModelState update)
    {
        int common = Math.Min(reference.Count, update.Count);
        for (int i = 0; i < common; i++)
        {
            if (!string.Equals(reference[i].Name, update[i].Name, StringComparison.Ordinal))
            {
                return update[i].Name;
            }

            if (!reference[i].HasSameLayout(update[i]))
            {
                return reference[i].Name;
            }
        }

        return update.Count > reference.Count ? update[common].Name : reference[common].Name;
    }

    private static string Capitalize(string text) =>
        text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
