namespace Confer.Federation;

/// <summary>Why a client's task produced no usable result.</summary>
public enum FailureReason
{
    /// <summary>The client (or its factory) threw.</summary>
    ClientError = 1,

    /// <summary>The task did not finish within the round timeout.</summary>
    Timeout = 2,

    /// <summary>The returned parameters differ from the global model in names, order, shapes or element types.</summary>
    LayoutMismatch = 3,

    /// <summary>The returned parameters or loss hold NaN or infinity.</summary>
    NonFiniteValue = 4,

    /// <summary>The returned example count is zero or negative.</summary>
    InvalidExampleCount = 5,

    /// <summary>The strategy's aggregation refused the result for another reason.</summary>
    Rejected = 6,
}
