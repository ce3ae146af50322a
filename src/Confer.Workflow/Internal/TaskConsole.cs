using System.Text;

namespace Confer.Workflow.Internal;

/// <summary>
/// Routes <see cref="Console.Out"/> and <see cref="Console.Error"/> to the output of the task that is
/// writing. The task is found through an <see cref="AsyncLocal{T}"/>, so concurrent tasks of the
/// parallel backend each keep their own stdout and stderr although they share one console.
/// </summary>
internal static class TaskConsole
{
    private static readonly AsyncLocal<TaskOutput?> CurrentOutput = new();
    private static readonly Lock Gate = new();
    private static TextWriter? _installedOut;
    private static TextWriter? _installedError;

    public static TaskOutput? Current
    {
        get => CurrentOutput.Value;
        set => CurrentOutput.Value = value;
    }

    /// <summary>Puts the routing writers in front of the console, once; again if someone replaced them since.</summary>
    public static void EnsureInstalled()
    {
        lock (Gate)
        {
            if (!ReferenceEquals(Console.Out, _installedOut))
            {
                Console.SetOut(new RoutingWriter(Console.Out, error: false));
                _installedOut = Console.Out;
            }

            if (!ReferenceEquals(Console.Error, _installedError))
            {
                Console.SetError(new RoutingWriter(Console.Error, error: true));
                _installedError = Console.Error;
            }
        }
    }

    private sealed class RoutingWriter(TextWriter inner, bool error) : TextWriter
    {
        public override Encoding Encoding => inner.Encoding;

        public override IFormatProvider FormatProvider => inner.FormatProvider;

        [System.Diagnostics.CodeAnalysis.AllowNull]
        public override string NewLine
        {
            get => inner.NewLine;
            set => inner.NewLine = value;
        }

        public override void Write(char value)
        {
            TaskOutput? output = Current;
            output?.Append(error, value);
            if (output is null || output.Echo)
            {
                inner.Write(value);
            }
        }

        public override void Write(string? value)
        {
            TaskOutput? output = Current;
            output?.Append(error, value.AsSpan());
            if (output is null || output.Echo)
            {
                inner.Write(value);
            }
        }

        public override void Write(char[] buffer, int index, int count)
        {
            TaskOutput? output = Current;
            output?.Append(error, buffer.AsSpan(index, count));
            if (output is null || output.Echo)
            {
                inner.Write(buffer, index, count);
            }
        }

        public override void WriteLine(string? value)
        {
            TaskOutput? output = Current;
            if (output is not null)
            {
                output.Append(error, value.AsSpan());
                output.Append(error, inner.NewLine.AsSpan());
            }

            if (output is null || output.Echo)
            {
                inner.WriteLine(value);
            }
        }

        public override void Flush() => inner.Flush();
    }
}
