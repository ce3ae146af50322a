namespace Confer.Core.Aggregation;

/// <summary>Why an update was refused by <see cref="UpdateValidator"/> or an aggregator.</summary>
public enum UpdateRejectionReason
{
    /// <summary>A tensor name, the tensor order or count, a shape or an element type differs from the global model.</summary>
    LayoutMismatch = 1,

    /// <summary>A floating-point element is NaN or infinite.</summary>
    NonFiniteValue = 2,

    /// <summary>The update's weight (its example count) is not finite or not greater than zero.</summary>
    InvalidWeight = 3,
}
