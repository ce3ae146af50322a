using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;

namespace FederationBench;

/// <summary>Writes every log line with the milliseconds since the process started (for reading where a round's time goes), and tells a callback each event id.</summary>
internal sealed class TimestampLoggerProvider(TextWriter writer, Stopwatch clock, Action<int> onEvent) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private void Write(string category, LogLevel level, EventId id, string message)
    {
        lock (this)
        {
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{clock.Elapsed.TotalMilliseconds,10:F1} ms {level,-11} {category}[{id.Id}] {message}"));
        }

        onEvent(id.Id);
    }

    private sealed class Logger(TimestampLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var message = formatter(state, exception);
            provider.Write(category, logLevel, eventId, exception is null ? message : $"{message} {exception}");
        }
    }
}
