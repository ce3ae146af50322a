using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Confer.Testing;

/// <summary>Keeps every log line, to assert on what the aggregator said and that nothing unexpected went wrong.</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<(LogLevel Level, string Category, string Message)> Entries { get; } = new();

    public IEnumerable<string> Messages => Entries.Select(e => e.Message);

    public IEnumerable<string> Errors => Entries.Where(e => e.Level >= LogLevel.Error).Select(e => $"{e.Category}: {e.Message}");

    private readonly List<(string Text, TaskCompletionSource Seen)> _awaited = [];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <summary>Completes when a line containing <paramref name="text"/> has been logged (already or later).</summary>
    public Task WaitForAsync(string text)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_awaited)
        {
            if (Messages.Any(m => m.Contains(text, StringComparison.Ordinal)))
            {
                return Task.CompletedTask;
            }

            _awaited.Add((text, seen));
        }

        return seen.Task;
    }

    private void Add(LogLevel level, string category, string message)
    {
        lock (_awaited)
        {
            Entries.Enqueue((level, category, message));
            for (var i = _awaited.Count - 1; i >= 0; i--)
            {
                if (message.Contains(_awaited[i].Text, StringComparison.Ordinal))
                {
                    _awaited[i].Seen.TrySetResult();
                    _awaited.RemoveAt(i);
                }
            }
        }
    }

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                provider.Add(logLevel, category, formatter(state, exception) + (exception is null ? string.Empty : " " + exception.Message));
            }
        }
    }
}
