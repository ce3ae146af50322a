namespace Confer.Workflow;

/// <summary>A collaborator participant: runs the <see cref="CollaboratorAttribute"/> steps of a foreach that names it.</summary>
public sealed class Collaborator : Participant
{
    /// <summary>Creates a collaborator.</summary>
    /// <param name="name">The collaborator's name, as it appears in a foreach collection (e.g. "Portland").</param>
    public Collaborator(string name)
        : base(name)
    {
    }

    /// <inheritdoc/>
    public override Placement Placement => Placement.Collaborator;
}
