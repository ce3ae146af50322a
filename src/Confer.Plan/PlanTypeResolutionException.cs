namespace Confer.Plan;

/// <summary>
/// Thrown by an <see cref="IPlanTypeResolver"/> for a name it owns but cannot use; the plan loader
/// reports the message at the <c>template</c>'s line and column.
/// </summary>
public sealed class PlanTypeResolutionException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PlanTypeResolutionException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong with the type and what was expected, naming the type and its assembly.</param>
    public PlanTypeResolutionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong with the type and what was expected.</param>
    /// <param name="innerException">The cause, e.g. what the type's constructor threw.</param>
    public PlanTypeResolutionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
