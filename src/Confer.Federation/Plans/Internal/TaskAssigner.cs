using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using Confer.Plan;

namespace Confer.Federation.Plans.Internal;

/// <summary>
/// The plan's assigner: which collaborator runs which tasks in a round. RandomGroupedAssigner
/// shuffles the collaborators with a seed drawn from the federation id and the round, so a
/// restarted aggregator assigns exactly what it assigned before.
/// </summary>
internal static class TaskAssigner
{
    public static SortedDictionary<string, ImmutableArray<TaskPlan>> Assign(FederationPlan plan, int round)
    {
        var assignments = new SortedDictionary<string, ImmutableArray<TaskPlan>>(StringComparer.Ordinal);
        var collaborators = plan.AuthorizedCollaborators.Order(StringComparer.Ordinal).ToArray();
        var groups = plan.Assigner.TaskGroups;
        if (groups.Any(g => !g.Collaborators.IsDefaultOrEmpty))
        {
            foreach (var group in groups)
            {
                foreach (var collaborator in group.Collaborators.Where(plan.IsAuthorized))
                {
                    assignments[collaborator] = Tasks(plan, group);
                }
            }

            return assignments;
        }

        var seedBytes = SHA256.HashData(Encoding.UTF8.GetBytes($"{plan.Hash}/{round}"));
        new Random(BitConverter.ToInt32(seedBytes, 0)).Shuffle(collaborators);
        double cumulative = 0;
        var start = 0;
        for (var i = 0; i < groups.Length; i++)
        {
            cumulative += groups[i].Percentage ?? 0;
            var end = i == groups.Length - 1 ? collaborators.Length : (int)Math.Round(cumulative * collaborators.Length, MidpointRounding.AwayFromZero);
            end = Math.Clamp(end, start, collaborators.Length);
            for (var j = start; j < end; j++)
            {
                assignments[collaborators[j]] = Tasks(plan, groups[i]);
            }

            start = end;
        }

        return assignments;
    }

    private static ImmutableArray<TaskPlan> Tasks(FederationPlan plan, TaskGroup group) => [.. group.Tasks.Select(t => plan.Tasks[t])];
}
