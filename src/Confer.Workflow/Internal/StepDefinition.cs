using System.Reflection;

namespace Confer.Workflow.Internal;

/// <summary>A step as the runtime sees it: its method, placement, resource hints and static successors.</summary>
internal sealed class StepDefinition(MethodInfo method, Placement placement, Type? joinElementType, double cpus, double gpus)
{
    private readonly MethodInvoker _invoker = MethodInvoker.Create(method);

    public string Name { get; } = method.Name;

    public MethodInfo Method { get; } = method;

    public Placement Placement { get; } = placement;

    public bool IsJoin => JoinElementType is not null;

    /// <summary>The element type of the join's <c>IReadOnlyList&lt;T&gt;</c> parameter, or <see langword="null"/> for a plain step.</summary>
    public Type? JoinElementType { get; } = joinElementType;

    public double Cpus { get; } = cpus;

    public double Gpus { get; } = gpus;

    public List<StepDefinition> Targets { get; } = [];

    public void Invoke(Flow flow) => _invoker.Invoke(flow);

    public void InvokeJoin(Flow flow, Array inputs) => _invoker.Invoke(flow, inputs);

    public override string ToString() => Name;
}
