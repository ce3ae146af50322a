using System.Text;

namespace Confer.Workflow.Internal;

/// <summary>What one task printed, kept apart from every other task's output.</summary>
internal sealed class TaskOutput(bool echo)
{
    private readonly Lock _gate = new();
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    /// <summary>Whether the output also goes on to the real console.</summary>
    public bool Echo { get; } = echo;

    public string Stdout
    {
        get
        {
            lock (_gate)
            {
                return _stdout.ToString();
            }
        }
    }

    public string Stderr
    {
        get
        {
            lock (_gate)
            {
                return _stderr.ToString();
            }
        }
    }

    public void Append(bool error, char value)
    {
        lock (_gate)
        {
            (error ? _stderr : _stdout).Append(value);
        }
    }

    public void Append(bool error, ReadOnlySpan<char> value)
    {
        lock (_gate)
        {
            (error ? _stderr : _stdout).Append(value);
        }
    }
}
