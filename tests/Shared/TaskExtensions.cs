using System.Runtime.CompilerServices;

namespace Confer.Testing;

/// <summary>Timeouts for awaits in tests, so a hang fails with a line number instead of eating CI time.</summary>
internal static class TaskExtensions
{
    /// <summary>The default timeout for an await in a test.</summary>
    public static readonly TimeSpan DefaultTimeoutSpan = TimeSpan.FromSeconds(60);

    /// <summary>Awaits <paramref name="task"/> for at most <see cref="DefaultTimeoutSpan"/> (or <paramref name="timeout"/>).</summary>
    public static Task DefaultTimeout(this Task task, TimeSpan? timeout = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        task.WaitAsync(timeout ?? DefaultTimeoutSpan).ContinueWith(
            t => t.IsFaulted && t.Exception!.InnerException is TimeoutException
                ? throw new TimeoutException($"Await at {Path.GetFileName(file)}:{line} did not finish within {timeout ?? DefaultTimeoutSpan}.")
                : t,
            TaskScheduler.Default).Unwrap();

    /// <summary>Awaits <paramref name="task"/> for at most <see cref="DefaultTimeoutSpan"/> (or <paramref name="timeout"/>).</summary>
    public static async Task<T> DefaultTimeout<T>(this Task<T> task, TimeSpan? timeout = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        try
        {
            return await task.WaitAsync(timeout ?? DefaultTimeoutSpan);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"Await at {Path.GetFileName(file)}:{line} did not finish within {timeout ?? DefaultTimeoutSpan}.");
        }
    }
}
