using System.Globalization;

namespace Confer.Plan;

/// <summary>
/// Something in a plan that loads but does nothing in Confer (an OpenFL key with no use here, say):
/// where it is, and why it has no effect. Printed by every command that loads the plan.
/// </summary>
/// <param name="File">The file, relative to the workspace.</param>
/// <param name="Line">The line, from 1.</param>
/// <param name="Column">The column, from 1.</param>
/// <param name="Message">What has no effect, and why.</param>
public sealed record PlanWarning(string File, int Line, int Column, string Message)
{
    /// <inheritdoc/>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{File}({Line},{Column}): warning: {Message}");
}
