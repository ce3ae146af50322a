using Confer.Federation.TaskRunners;
using Confer.Plan;

namespace MyFederation;

/// <summary>What one collaborator trains and validates on: replace it with your own data's shape.</summary>
public sealed record MyData;

/// <summary>
/// The plan's data loader (data_loader.template: MyFederation.MyDataLoader). Confer creates it
/// when the plan loads, on the aggregator and on every collaborator; a collaborator's task runner
/// asks for its data with context.LoadData&lt;MyData&gt;(). See docs/workspace-code.md.
/// </summary>
public sealed class MyDataLoader : IPlanDataLoader<MyData>
{
    /// <summary>The data_loader.settings this loader accepts (beyond batch_size and collaborator_count).</summary>
    public SettingsSchema Settings => SettingsSchema.Empty;

    public MyData Load(DataLoaderContext context) =>
        // context.DataPath() is the collaborator's line of plan/data.yaml as a full path.
        throw new NotImplementedException("MyDataLoader.Load: read the collaborator's data from context.DataPath() (code/MyDataLoader.cs, docs/workspace-code.md).");
}
