namespace Confer.Examples;

/// <summary>
/// Reports progress on the reporting thread, right away. <see cref="Progress{T}"/> would post to
/// the thread pool, so a step's lines could print after the step ended and miss its task's stdout.
/// </summary>
internal sealed class ImmediateProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
