namespace Confer.Workflow.Internal;

/// <summary>A checked <c>Next</c>: where it goes, over which collaborators, and which attributes it carries.</summary>
internal sealed record Transition(StepDefinition Target, string? Foreach, IReadOnlyList<StateProperty> Carried);
