namespace Confer.Workflow;

/// <summary>
/// Marks a flow property as a private attribute: the runtime binds it, before each task, to the
/// object of the same name that the participant running the task holds, and clears it after.
/// A private property is never copied, carried, checkpointed or sent.
/// </summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = true)]
public sealed class PrivateAttribute : Attribute
{
}
