using Confer.Plan;
using Microsoft.Extensions.Logging;

namespace Confer.Federation.TaskRunners;

/// <summary>What a task runner is created with on a collaborator.</summary>
/// <param name="Plan">The federation's plan (task runner and data loader settings, collaborator settings).</param>
/// <param name="CollaboratorName">This collaborator's name.</param>
/// <param name="Data">This collaborator's data path or shard from <c>plan/data.yaml</c>, if listed.</param>
/// <param name="LoggerFactory">For the runner's own logs.</param>
public sealed record TaskRunnerContext(FederationPlan Plan, string CollaboratorName, CollaboratorData? Data, ILoggerFactory LoggerFactory)
{
    /// <summary>The plan's data loader when it is a workspace's own type (<see cref="TaskRunnerCatalog.Create"/> sets it); <see langword="null"/> for a built-in loader name, which the runner reads itself.</summary>
    public IPlanDataLoader? DataLoader { get; init; }

    /// <summary>Loads this collaborator's data with the plan's data loader.</summary>
    /// <typeparam name="TData">What the runner trains on.</typeparam>
    /// <returns>The data.</returns>
    /// <exception cref="InvalidOperationException">The plan's data loader is not a workspace type, or does not load <typeparamref name="TData"/>.</exception>
    public TData LoadData<TData>() => DataLoader switch
    {
        IPlanDataLoader<TData> loader => loader.Load(new DataLoaderContext(Plan, CollaboratorName, Data)),
        null => throw new InvalidOperationException(
            $"The plan's data loader '{Plan.DataLoader.Name}' is not a type of the workspace's code, so it loads no {typeof(TData).FullName}. "
            + $"Name a class implementing IPlanDataLoader<{typeof(TData).Name}> in data_loader.template."),
        var other => throw new InvalidOperationException(
            $"The plan's data loader {other.GetType().FullName} does not load {typeof(TData).FullName}, which the task runner asks for; "
            + $"it implements {string.Join(", ", other.GetType().GetInterfaces().Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IPlanDataLoader<>)).Select(i => $"IPlanDataLoader<{i.GenericTypeArguments[0].FullName}>"))}. "
            + "Make the loader and the runner agree on the data type."),
    };
}
