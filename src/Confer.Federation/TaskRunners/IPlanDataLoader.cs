using Confer.Plan;

namespace Confer.Federation.TaskRunners;

/// <summary>
/// A data loader from a workspace's own code, named by its full type name in
/// <c>data_loader.template</c>. Implement <see cref="IPlanDataLoader{TData}"/>; a task runner asks for
/// its collaborator's data with <see cref="TaskRunnerContext.LoadData{TData}"/>.
/// </summary>
public interface IPlanDataLoader
{
    /// <summary>The <c>data_loader.settings</c> it accepts beyond <c>batch_size</c> and <c>collaborator_count</c>.</summary>
    SettingsSchema Settings { get; }

    /// <summary>One line of documentation.</summary>
    string Description => string.Empty;
}

/// <summary>A data loader whose collaborators' data is a <typeparamref name="TData"/>.</summary>
/// <typeparam name="TData">What it loads, e.g. a table of features and labels.</typeparam>
public interface IPlanDataLoader<out TData> : IPlanDataLoader
{
    /// <summary>Loads one collaborator's data.</summary>
    /// <param name="context">The plan, the collaborator, and its line of <c>plan/data.yaml</c>.</param>
    /// <returns>The data.</returns>
    TData Load(DataLoaderContext context);
}

/// <summary>What a data loader knows of the collaborator it loads for.</summary>
/// <param name="Plan">The plan: <c>data_loader.settings</c> and the workspace folder (paths in <c>plan/data.yaml</c> are relative to it).</param>
/// <param name="CollaboratorName">The collaborator.</param>
/// <param name="Data">Its line of <c>plan/data.yaml</c>, or <see langword="null"/> when it has none.</param>
public sealed record DataLoaderContext(FederationPlan Plan, string CollaboratorName, CollaboratorData? Data)
{
    /// <summary>The collaborator's data path from <c>plan/data.yaml</c>, made absolute against the workspace folder.</summary>
    /// <returns>The full path.</returns>
    /// <exception cref="InvalidOperationException">The collaborator has no line in <c>plan/data.yaml</c>.</exception>
    public string DataPath() => Data is null
        ? throw new InvalidOperationException($"Collaborator '{CollaboratorName}' has no line in plan/data.yaml, so its data loader does not know where its data is. Add '{CollaboratorName},PATH' (e.g. with 'confer collaborator generate-cert-request -n {CollaboratorName} --data-path PATH').")
        : Path.GetFullPath(Data.Value, Plan.WorkspaceDirectory);
}
