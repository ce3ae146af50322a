namespace Confer.Core.Aggregation;

/// <summary>
/// An update cannot be aggregated: its layout differs from the global model, it holds a
/// non-finite value, or its weight is not a positive finite number. Nothing of the update was
/// folded when this is thrown.
/// </summary>
public class UpdateRejectedException : ModelStateException
{
    /// <summary>Creates the exception.</summary>
    public UpdateRejectedException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What is wrong and what to do.</param>
    public UpdateRejectedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What is wrong and what to do.</param>
    /// <param name="innerException">The cause.</param>
    public UpdateRejectedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with the facts of the rejection.</summary>
    /// <param name="message">What is wrong and what to do.</param>
    /// <param name="reason">Why the update was refused.</param>
    /// <param name="tensorName">The offending tensor, when one is to blame.</param>
    /// <param name="elementIndex">The offending element's flat (row-major) index, for a non-finite value.</param>
    /// <param name="value">The offending value: the non-finite element, or the invalid weight.</param>
    public UpdateRejectedException(string message, UpdateRejectionReason reason, string? tensorName, long? elementIndex, double? value)
        : base(message)
    {
        Reason = reason;
        TensorName = tensorName;
        ElementIndex = elementIndex;
        Value = value;
    }

    /// <summary>Why the update was refused. Zero when the exception was created without facts.</summary>
    public UpdateRejectionReason Reason { get; }

    /// <summary>
    /// The tensor to blame: the first mismatching or missing tensor, or the tensor holding the first
    /// non-finite value. <see langword="null"/> for an invalid weight.
    /// </summary>
    public string? TensorName { get; }

    /// <summary>The flat, row-major index of the first non-finite element within <see cref="TensorName"/>; otherwise <see langword="null"/>.</summary>
    public long? ElementIndex { get; }

    /// <summary>The first non-finite element's value (NaN or ±infinity), or the invalid weight; otherwise <see langword="null"/>.</summary>
    public double? Value { get; }
}
