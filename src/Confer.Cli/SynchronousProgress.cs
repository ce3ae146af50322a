namespace Confer.Cli;

/// <summary>
/// An <see cref="IProgress{T}"/> that reports on the caller's thread: <see cref="Progress{T}"/>
/// posts to the thread pool, which would let a progress bar lag behind the work it shows.
/// </summary>
internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
