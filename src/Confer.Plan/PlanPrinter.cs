using System.Text;
using Confer.Plan.Internal;

namespace Confer.Plan;

/// <summary><c>confer plan print</c>: the merged plan for people to read.</summary>
public static class PlanPrinter
{
    /// <summary>
    /// Renders <paramref name="plan"/>: a header with the federation id and freeze state, the
    /// canonical settings with the sections in the usual order (aggregator first), and the
    /// authorized collaborators and their data as comments (they are not part of the hash).
    /// </summary>
    /// <param name="plan">The plan.</param>
    /// <returns>YAML text that loads back into the same plan.</returns>
    public static string Render(FederationPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var builder = new StringBuilder();
        builder.Append("# Confer plan ").Append(plan.PlanFile).Append('\n');
        builder.Append("# federation id (SHA-384): ").Append(plan.Hash).Append('\n');
        if (plan.CodeHash is { } code)
        {
            builder.Append("# workspace code (code/, SHA-256, part of the federation id): ").Append(code).Append('\n');
        }

        builder.Append("# frozen: ").Append(plan.IsFrozen ? "yes" : "no").Append('\n');
        builder.Append('\n');

        var body = CanonicalYamlWriter.Write(plan.CanonicalValue, PlanBinder.SectionOrder);
        foreach (var line in body.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            // A blank line before each section keeps the long listing readable.
            if (!line.StartsWith(' ') && builder[^2] != '\n')
            {
                builder.Append('\n');
            }

            builder.Append(line).Append('\n');
        }

        builder.Append('\n');
        builder.Append("# authorized collaborators (plan/cols.yaml): ")
            .Append(plan.AuthorizedCollaborators.IsEmpty ? "none yet" : string.Join(", ", plan.AuthorizedCollaborators)).Append('\n');
        builder.Append("# collaborator data (plan/data.yaml): ")
            .Append(plan.CollaboratorData.IsEmpty ? "none" : string.Join(", ", plan.CollaboratorData.Values.Select(d => $"{d.Collaborator} -> {d.Value}"))).Append('\n');
        return builder.ToString();
    }
}
