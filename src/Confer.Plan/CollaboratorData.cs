using System.Globalization;

namespace Confer.Plan;

/// <summary>One line of <c>plan/data.yaml</c>: where a collaborator's data is.</summary>
/// <param name="Collaborator">The collaborator's name.</param>
/// <param name="Value">The data path or the shard, as written.</param>
public sealed record CollaboratorData(string Collaborator, string Value)
{
    /// <summary>The shard index when <see cref="Value"/> is a whole number ≥ 0 (OpenFL's <c>collaborator1,1</c>); <see langword="null"/> when it is a path.</summary>
    public int? Shard => int.TryParse(Value, NumberStyles.None, CultureInfo.InvariantCulture, out var shard) ? shard : null;
}
