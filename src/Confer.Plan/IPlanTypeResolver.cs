namespace Confer.Plan;

/// <summary>
/// Finds a plan component that no registration names: a workspace's own code, where the plan's
/// <c>template</c> is the full name of a type in the workspace's <c>code/</c> project (OpenFL's
/// <c>template: src.taskrunner.MyTaskRunner</c>). The resolver looks up that one type, never
/// scans, and returns its registration, which the registry then keeps.
/// </summary>
public interface IPlanTypeResolver
{
    /// <summary>Resolves <paramref name="name"/>, or says it does not know it.</summary>
    /// <param name="kind">The kind of component the plan's section needs.</param>
    /// <param name="name">The plan's <c>template</c> value.</param>
    /// <returns>The registration; <see langword="null"/> when the name is not the resolver's to judge (the plan then gets the usual "unknown name" problem).</returns>
    /// <exception cref="PlanTypeResolutionException">The name is the resolver's but unusable: the type is missing, does not implement the contract, or its constructor threw. The message becomes the plan problem at the template's line and column.</exception>
    PlanTypeRegistration? Resolve(PlanComponentKind kind, string name);

    /// <summary>A sentence for "unknown name" problems saying where else names may come from, e.g. the workspace's assembly.</summary>
    string Describe();
}
