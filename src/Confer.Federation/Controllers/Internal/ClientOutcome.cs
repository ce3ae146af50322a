namespace Confer.Federation.Controllers.Internal;

/// <summary>One client task's outcome: a result, or a failure value.</summary>
internal readonly record struct ClientOutcome<TResult>(TResult? Result, ClientFailure? Failure, TimeSpan Elapsed)
    where TResult : class;
