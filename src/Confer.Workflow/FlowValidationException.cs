namespace Confer.Workflow;

/// <summary>A flow failed validation when it was loaded; <see cref="Problems"/> lists every problem, each naming its step.</summary>
public class FlowValidationException : FlowException
{
    /// <summary>Creates the exception.</summary>
    public FlowValidationException()
    {
        Problems = [];
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public FlowValidationException(string message)
        : base(message)
    {
        Problems = [message];
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public FlowValidationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problems = [message];
    }

    /// <summary>Creates the exception for a flow and its problems.</summary>
    /// <param name="flowName">The flow's name.</param>
    /// <param name="problems">Every problem found, one sentence each.</param>
    public FlowValidationException(string flowName, IReadOnlyList<string> problems)
        : base(FormatMessage(flowName, problems))
    {
        Problems = problems;
    }

    /// <summary>Every problem found, one sentence each, in step declaration order.</summary>
    public IReadOnlyList<string> Problems { get; }

    private static string FormatMessage(string flowName, IReadOnlyList<string> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        return problems.Count == 1
            ? $"Flow '{flowName}' is not valid: {problems[0]}"
            : $"Flow '{flowName}' is not valid ({problems.Count} problems):{Environment.NewLine}  - {string.Join(Environment.NewLine + "  - ", problems)}";
    }
}
