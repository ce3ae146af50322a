namespace FlowOverhead;

/// <summary>The step bodies, shared by the flow and by the hand-written baseline loop.</summary>
internal static class Steps
{
    public static long Work(int round) => round + 1;

    public static long Join(IEnumerable<long> contributions) => contributions.Sum();
}
