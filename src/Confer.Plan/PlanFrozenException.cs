namespace Confer.Plan;

/// <summary>
/// The plan was changed after <c>confer plan freeze</c>: its hash is no longer the one written
/// beside it, so the federation it describes is not the one every party agreed on.
/// </summary>
public sealed class PlanFrozenException : Exception
{
    /// <summary>Creates the exception with a generic message.</summary>
    public PlanFrozenException()
        : this("The plan was edited after it was frozen.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public PlanFrozenException(string message)
        : base(message)
    {
        FrozenHash = string.Empty;
        CurrentHash = string.Empty;
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public PlanFrozenException(string message, Exception innerException)
        : base(message, innerException)
    {
        FrozenHash = string.Empty;
        CurrentHash = string.Empty;
    }

    /// <summary>Creates the exception for a plan whose hash changed.</summary>
    /// <param name="planFile">The plan file, relative to the workspace.</param>
    /// <param name="hashFile">The file holding the frozen hash, relative to the workspace.</param>
    /// <param name="frozenHash">The hash written at freeze time.</param>
    /// <param name="currentHash">The hash of the plan as it is now.</param>
    public PlanFrozenException(string planFile, string hashFile, string frozenHash, string currentHash)
        : base($"{planFile} was edited after it was frozen: {hashFile} holds SHA-384 {frozenHash}, but the plan now hashes to {currentHash}. "
            + "Restore the frozen plan, or run `confer plan freeze` again and have every collaborator accept the new hash.")
    {
        FrozenHash = frozenHash;
        CurrentHash = currentHash;
    }

    /// <summary>Creates the exception with its own message, e.g. naming the code files that changed.</summary>
    /// <param name="message">What changed and what to do.</param>
    /// <param name="frozenHash">The frozen hash.</param>
    /// <param name="currentHash">The hash now.</param>
    public PlanFrozenException(string message, string frozenHash, string currentHash)
        : base(message)
    {
        FrozenHash = frozenHash;
        CurrentHash = currentHash;
    }

    /// <summary>The hash recorded when the plan was frozen (lowercase hex SHA-384).</summary>
    public string FrozenHash { get; }

    /// <summary>The hash of the plan as loaded now (lowercase hex SHA-384).</summary>
    public string CurrentHash { get; }
}
