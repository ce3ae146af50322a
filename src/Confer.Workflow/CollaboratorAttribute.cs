namespace Confer.Workflow;

/// <summary>Marks a method as a step that runs on each collaborator of a foreach (OpenFL's <c>@collaborator</c>).</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class CollaboratorAttribute : PlacementAttribute
{
    /// <inheritdoc/>
    public override Placement Placement => Placement.Collaborator;
}
