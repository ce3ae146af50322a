using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;

namespace Confer.Workflow.Internal;

/// <summary>
/// A flow type, loaded and validated once: its steps and their static successors (read from IL),
/// its state properties and its private properties. Every problem is collected and reported together.
/// </summary>
internal sealed class FlowDefinition
{
    private const BindingFlags Declared = BindingFlags.DeclaredOnly | BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;

    private static readonly ConcurrentDictionary<Type, Lazy<FlowDefinition>> Cache = new();

    private readonly Dictionary<RuntimeMethodHandle, StepDefinition> _byHandle = [];
    private readonly HashSet<Type> _userTypes;

    private FlowDefinition(Type flowType)
    {
        FlowType = flowType;
        Name = flowType.Name;
        _userTypes = [.. UserTypes(flowType)];
        var problems = new List<string>();

        var state = new List<StateProperty>();
        var privates = new List<StateProperty>();
        LoadProperties(problems, state, privates);
        State = state;
        StateByName = state.ToDictionary(p => p.Name, StringComparer.Ordinal);
        Privates = privates;
        PrivateByName = privates.ToDictionary(p => p.Name, StringComparer.Ordinal);

        var steps = LoadSteps(problems);
        Steps = steps;
        Start = steps.FirstOrDefault(s => s.Name == "Start")!;
        End = steps.FirstOrDefault(s => s.Name == "End")!;
        FindTransitions(problems);
        ValidateGraph(problems);

        if (problems.Count > 0)
        {
            throw new FlowValidationException(Name, problems);
        }

        Graph = new FlowGraph(Name, steps.Select(s => new FlowGraphStep(s.Name, s.Placement, s.IsJoin, s.Targets.Select(t => t.Name).ToArray(), s.Cpus, s.Gpus)));
    }

    public Type FlowType { get; }

    public string Name { get; }

    public IReadOnlyList<StepDefinition> Steps { get; }

    public StepDefinition Start { get; }

    public StepDefinition End { get; }

    /// <summary>The state attributes in declaration order (base class first).</summary>
    public IReadOnlyList<StateProperty> State { get; }

    public IReadOnlyDictionary<string, StateProperty> StateByName { get; }

    public IReadOnlyList<StateProperty> Privates { get; }

    public IReadOnlyDictionary<string, StateProperty> PrivateByName { get; }

    public FlowGraph Graph { get; } = null!;

    public static FlowDefinition Get(Type flowType)
    {
        ArgumentNullException.ThrowIfNull(flowType);
        if (!typeof(Flow).IsAssignableFrom(flowType) || flowType.IsAbstract)
        {
            throw new ArgumentException($"{flowType.Name} is not a concrete class deriving from Flow.", nameof(flowType));
        }

        return Cache.GetOrAdd(flowType, t => new Lazy<FlowDefinition>(() => new FlowDefinition(t))).Value;
    }

    public StepDefinition? FindStep(MethodInfo method)
    {
        if (_byHandle.TryGetValue(method.MethodHandle, out StepDefinition? step))
        {
            return step;
        }

        return _byHandle.GetValueOrDefault(method.GetBaseDefinition().MethodHandle);
    }

    private static IEnumerable<Type> UserTypes(Type flowType)
    {
        for (Type? t = flowType; t is not null && t != typeof(Flow) && !(t.IsGenericType && t.GetGenericTypeDefinition() == typeof(Flow<>)); t = t.BaseType)
        {
            yield return t;
        }
    }

    private IEnumerable<Type> UserTypesBaseFirst() => UserTypes(FlowType).Reverse();

    private static bool IsCompilerGenerated(MemberInfo member) =>
        member.Name.Contains('<', StringComparison.Ordinal) || member.IsDefined(typeof(CompilerGeneratedAttribute), inherit: false);

    private bool IsUserMember(MethodBase method)
    {
        for (Type? t = method.DeclaringType; t is not null; t = t.DeclaringType)
        {
            if (_userTypes.Contains(t))
            {
                return true;
            }
        }

        return false;
    }

    private void LoadProperties(List<string> problems, List<StateProperty> state, List<StateProperty> privates)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (Type type in UserTypesBaseFirst())
        {
            var backingFields = new HashSet<string>(StringComparer.Ordinal);
            foreach (PropertyInfo property in type.GetProperties(Declared).OrderBy(p => p.MetadataToken))
            {
                if (property.GetIndexParameters().Length > 0 || property.GetMethod is null)
                {
                    continue;
                }

                bool hasBackingField = type.GetField($"<{property.Name}>k__BackingField", Declared) is not null;
                if (hasBackingField)
                {
                    backingFields.Add($"<{property.Name}>k__BackingField");
                }

                if (!seen.Add(property.Name))
                {
                    // An override or a 'new' property: the most derived declaration was not seen first, so the base one stands for both.
                    continue;
                }

                bool isPrivate = property.IsDefined(typeof(PrivateAttribute), inherit: true);
                if (property.SetMethod is null)
                {
                    if (isPrivate || hasBackingField)
                    {
                        problems.Add($"Property '{property.Name}' has no setter; flow state and [Private] properties must be settable ({{ get; set; }}) so the runtime can carry or bind them.");
                    }

                    continue;
                }

                (isPrivate ? privates : state).Add(new StateProperty(property));
            }

            foreach (FieldInfo field in type.GetFields(Declared).OrderBy(f => f.MetadataToken))
            {
                if (!backingFields.Contains(field.Name) && !field.IsLiteral)
                {
                    problems.Add($"Field '{field.Name}' of {type.Name} is not flow state; the runtime carries properties only, so make it a property ({{ get; set; }}), or a [Private] property if it belongs to one participant.");
                }
            }
        }
    }

    private List<StepDefinition> LoadSteps(List<string> problems)
    {
        var steps = new List<StepDefinition>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (Type type in UserTypes(FlowType))
        {
            foreach (MethodInfo method in type.GetMethods(Declared).OrderBy(m => m.MetadataToken))
            {
                PlacementAttribute? placement = method.GetCustomAttribute<PlacementAttribute>(inherit: true);
                if (placement is null)
                {
                    if (method.Name is "Start" or "End" && method.GetParameters().Length == 0 && names.Add(method.Name))
                    {
                        problems.Add($"Step '{method.Name}' has no placement; mark it [Aggregator] (Start and End run on the aggregator).");
                    }

                    continue;
                }

                if (!names.Add(method.Name))
                {
                    // Overridden in a more derived class already seen, or an overload.
                    if (steps.Any(s => s.Name == method.Name && s.Method.GetBaseDefinition() != method.GetBaseDefinition()))
                    {
                        problems.Add($"Step '{method.Name}' is declared more than once; step names must be unique.");
                    }

                    continue;
                }

                Type? joinElement = null;
                ParameterInfo[] parameters = method.GetParameters();
                if (method.ReturnType != typeof(void) || method.IsGenericMethod)
                {
                    problems.Add($"Step '{method.Name}' must be a non-generic method returning void (it returns {method.ReturnType.Name}).");
                    continue;
                }

                if (parameters.Length == 1)
                {
                    Type p = parameters[0].ParameterType;
                    if (p.IsGenericType && p.GetGenericTypeDefinition() == typeof(IReadOnlyList<>) && p.GetGenericArguments()[0].IsAssignableFrom(FlowType))
                    {
                        joinElement = p.GetGenericArguments()[0];
                    }
                }

                if (parameters.Length > 1 || (parameters.Length == 1 && joinElement is null))
                {
                    problems.Add($"Step '{method.Name}' has parameters ({string.Join(", ", parameters.Select(x => x.ParameterType.Name))}); a step takes none, and a join takes one IReadOnlyList<{FlowType.Name}>.");
                    continue;
                }

                if (placement.Cpus < 0 || placement.Gpus < 0 || double.IsNaN(placement.Cpus) || double.IsNaN(placement.Gpus))
                {
                    problems.Add($"Step '{method.Name}' asks for {placement.Cpus} CPUs and {placement.Gpus} GPUs; resource hints must be zero or positive.");
                }

                var step = new StepDefinition(method, placement.Placement, joinElement, placement.Cpus, placement.Gpus);
                steps.Add(step);
                _byHandle[method.MethodHandle] = step;
                _byHandle.TryAdd(method.GetBaseDefinition().MethodHandle, step);
            }
        }

        // Declaration order, base class first, reads like the source file.
        return [.. steps.OrderBy(s => UserTypesBaseFirst().ToList().IndexOf(s.Method.DeclaringType!)).ThenBy(s => s.Method.MetadataToken)];
    }

    private void FindTransitions(List<string> problems)
    {
        var reported = new HashSet<string>(StringComparer.Ordinal);
        foreach (StepDefinition step in Steps)
        {
            var visited = new HashSet<MethodBase> { step.Method };
            var queue = new Queue<MethodBase>();
            queue.Enqueue(step.Method);
            while (queue.Count > 0)
            {
                foreach (IlScanner.Reference reference in IlScanner.FindReferences(queue.Dequeue()))
                {
                    if (reference.Method is MethodInfo info && FindStep(info) is { } target)
                    {
                        if (reference.IsFunctionPointer && !step.Targets.Contains(target))
                        {
                            step.Targets.Add(target);
                        }

                        continue;
                    }

                    if (!IsUserMember(reference.Method))
                    {
                        continue;
                    }

                    if (reference.IsFunctionPointer && reference.MakesDelegate && !IsCompilerGenerated(reference.Method) && LooksLikeStep(reference.Method))
                    {
                        if (reported.Add(reference.Method.Name))
                        {
                            problems.Add($"Step '{step.Name}' calls Next({reference.Method.Name}), but '{reference.Method.Name}' has no placement; mark it [Aggregator] or [Collaborator].");
                        }

                        continue;
                    }

                    if (visited.Add(reference.Method))
                    {
                        queue.Enqueue(reference.Method);
                    }
                }
            }
        }
    }

    private bool LooksLikeStep(MethodBase method) =>
        method is MethodInfo { ReturnType: var r, IsStatic: false } info && r == typeof(void)
        && info.GetParameters() is { } p
        && (p.Length == 0 || (p.Length == 1 && p[0].ParameterType.IsGenericType && p[0].ParameterType.GetGenericTypeDefinition() == typeof(IReadOnlyList<>)));

    private void ValidateGraph(List<string> problems)
    {
        if (Start is null)
        {
            problems.Add($"{Name} has no Start step; every flow begins with [Aggregator] void Start().");
        }
        else if (Start.Placement != Placement.Aggregator || Start.IsJoin)
        {
            problems.Add("Step 'Start' must be a plain [Aggregator] step; the flow begins on the aggregator.");
        }

        if (End is null)
        {
            problems.Add($"{Name} has no End step; every flow concludes with [Aggregator] void End().");
        }
        else
        {
            if (End.Placement != Placement.Aggregator || End.IsJoin)
            {
                problems.Add("Step 'End' must be a plain [Aggregator] step; the flow concludes on the aggregator.");
            }

            if (End.Targets.Count > 0)
            {
                problems.Add($"Step 'End' calls Next({End.Targets[0].Name}); End concludes the flow and calls no Next.");
            }
        }

        var reachable = new HashSet<StepDefinition>();
        if (Start is not null)
        {
            var queue = new Queue<StepDefinition>([Start]);
            reachable.Add(Start);
            while (queue.Count > 0)
            {
                foreach (StepDefinition target in queue.Dequeue().Targets)
                {
                    if (reachable.Add(target))
                    {
                        queue.Enqueue(target);
                    }
                }
            }
        }

        // Collaborator steps from which a chain of collaborator steps reaches a join.
        var returns = new HashSet<StepDefinition>();
        bool changed = true;
        while (changed)
        {
            changed = false;
            foreach (StepDefinition step in Steps.Where(s => s.Placement == Placement.Collaborator && !returns.Contains(s)))
            {
                if (step.Targets.Any(t => (t.Placement == Placement.Aggregator && t.IsJoin) || returns.Contains(t)))
                {
                    returns.Add(step);
                    changed = true;
                }
            }
        }

        foreach (StepDefinition step in Steps)
        {
            if (step != Start && !reachable.Contains(step))
            {
                problems.Add($"Step '{step.Name}' is unreachable: no step reachable from Start calls Next({step.Name}).");
            }

            if (step.IsJoin && step.Placement == Placement.Collaborator)
            {
                problems.Add($"Step '{step.Name}' is a join placed on collaborators; a join runs on the aggregator, so mark it [Aggregator].");
            }

            if (step != End && step.Targets.Count == 0)
            {
                problems.Add($"Step '{step.Name}' never calls Next; every step except End ends with Next(...) naming a step as a method group.");
            }

            foreach (StepDefinition target in step.Targets)
            {
                if (step.Placement == Placement.Aggregator && target.IsJoin)
                {
                    problems.Add($"Step '{step.Name}' goes to join '{target.Name}' from the aggregator; a join is reached by Next({target.Name}) from the collaborator steps of a foreach.");
                }

                if (step.Placement == Placement.Collaborator && target.Placement == Placement.Aggregator && !target.IsJoin)
                {
                    problems.Add($"Collaborator step '{step.Name}' goes to aggregator step '{target.Name}', which is not a join; collaborators return to the aggregator through a join (void {target.Name}(IReadOnlyList<{FlowType.Name}> inputs)).");
                }
            }

            if (step.Placement == Placement.Collaborator && step.Targets.Count > 0 && !returns.Contains(step))
            {
                problems.Add($"Collaborator step '{step.Name}' never returns to a join: no sequence of collaborator steps from it ends with Next(join).");
            }
        }
    }
}
