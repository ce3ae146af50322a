namespace Confer.Federation.Messages;

/// <summary>
/// Why a call was refused or a task gave no usable result: the same codes, with the same numbers,
/// as <c>confer.v2.ReasonCode</c> in <c>protos/confer/v2/grid.proto</c>. Code decides on these,
/// never on the text beside them.
/// </summary>
public enum ReasonCode
{
    /// <summary>No reason given (a peer that does not say).</summary>
    Unspecified = 0,

    /// <summary>The caller presented no client certificate.</summary>
    MissingCertificate = 1,

    /// <summary>The caller's certificate does not chain to the federation's CA, or is not for this use.</summary>
    UntrustedCertificate = 2,

    /// <summary>The caller's certificate is expired or not yet valid.</summary>
    ExpiredCertificate = 3,

    /// <summary>The caller's certificate is revoked or unknown to the federation's certificate database.</summary>
    RevokedCertificate = 4,

    /// <summary>The collaborator name the caller claims differs from its certificate's common name.</summary>
    NameMismatch = 5,

    /// <summary>The collaborator is not in the plan's authorized list (<c>plan/cols.yaml</c>).</summary>
    UnknownCollaborator = 6,

    /// <summary>The caller's plan hash differs from the aggregator's.</summary>
    WrongPlanHash = 7,

    /// <summary>The caller made more requests than its limit allows; it should slow down and retry.</summary>
    RateLimited = 8,

    /// <summary>A request without the headers every call carries.</summary>
    MissingHeader = 9,

    /// <summary>The caller's workspace code (<c>code/</c>) differs from the aggregator's: the plans agree, the code does not.</summary>
    WrongCodeHash = 10,

    /// <summary>What was sent does not parse, or breaks the protocol (a second header, a chunk out of order).</summary>
    Malformed = 20,

    /// <summary>The message belongs to a round that is not the current one.</summary>
    StaleRound = 21,

    /// <summary>The round or phase closed before the reply came (straggler policy, deadline).</summary>
    RoundClosed = 22,

    /// <summary>No such task was sent to the caller.</summary>
    NotAssigned = 23,

    /// <summary>The arrays' names, order, shapes or element types differ from what was sent.</summary>
    LayoutMismatch = 24,

    /// <summary>A value is NaN or infinite.</summary>
    NonFiniteValue = 25,

    /// <summary>Larger than a configured limit.</summary>
    TooLarge = 26,

    /// <summary>The bytes do not match their declared SHA-256.</summary>
    HashMismatch = 27,

    /// <summary>The example count is zero, negative or absurd.</summary>
    InvalidExampleCount = 28,

    /// <summary>Another upload of the same reply is in progress.</summary>
    UploadInProgress = 29,

    /// <summary>The arrays asked for are not available any more (the round moved on).</summary>
    ArraysUnavailable = 30,

    /// <summary>An offset outside what exists.</summary>
    OutOfRange = 31,

    /// <summary>The node's code failed on the task (it threw).</summary>
    ClientError = 40,

    /// <summary>The task did not finish within the deadline.</summary>
    Timeout = 41,

    /// <summary>The strategy refused the result for another reason.</summary>
    Rejected = 42,

    /// <summary>The node handles no task of this kind.</summary>
    UnknownKind = 43,
}
