namespace Confer.Workflow;

/// <summary>One step of a flow graph.</summary>
/// <param name="Name">The step (method) name.</param>
/// <param name="Placement">Where it runs.</param>
/// <param name="IsJoin">Whether it is a join (takes the collaborators' states).</param>
/// <param name="Next">The steps its <c>Next</c> calls can name, in the order they appear in its code.</param>
/// <param name="Cpus">CPUs one task reserves in the parallel backend (0: none).</param>
/// <param name="Gpus">GPUs one task reserves in the parallel backend (0: none).</param>
public sealed record FlowGraphStep(string Name, Placement Placement, bool IsJoin, IReadOnlyList<string> Next, double Cpus = 0, double Gpus = 0);
