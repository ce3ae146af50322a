using System.Reflection;

namespace Confer.Workflow.Internal;

/// <summary>The transition a step asked for with <c>Next</c>, before the runtime has checked it.</summary>
internal sealed record PendingNext(MethodInfo Method, string? Foreach, string[]? Include, string[]? Exclude);
