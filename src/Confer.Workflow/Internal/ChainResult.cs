namespace Confer.Workflow.Internal;

/// <summary>A collaborator's sequence of steps, finished: the step that went to the join, the join, and what it sent.</summary>
internal sealed record ChainResult(string Collaborator, StepDefinition LastStep, StepDefinition Join, EncodedValue[] Payload);
