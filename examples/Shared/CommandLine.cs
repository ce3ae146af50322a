using System.Globalization;

namespace Confer.Examples;

/// <summary>
/// The examples' command line, read option by option: <c>while (line.Next(out string option))</c>,
/// then <see cref="Value"/> or <see cref="Count"/> for its value. A mistake ends the program with
/// exit code 2 and the usage text, never a stack trace.
/// </summary>
internal sealed class CommandLine(string[] args, string usage)
{
    private int _index = -1;

    public bool Next(out string option)
    {
        _index++;
        option = _index < args.Length ? args[_index] : string.Empty;
        return _index < args.Length;
    }

    public string Value() => _index + 1 < args.Length ? args[++_index] : Fail($"{args[_index]} needs a value.");

    public int Count()
    {
        string option = args[_index];
        string value = Value();
        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int count) && count > 0
            ? count
            : Fail<int>($"{option} needs a whole number of at least 1, not '{value}'.");
    }

    public void Unknown() => Fail($"Unknown option '{args[_index]}'.");

    public string Fail(string problem) => Fail<string>(problem);

    public T Fail<T>(string problem)
    {
        Console.Error.WriteLine($"error: {problem}");
        Console.Error.WriteLine(usage);
        Environment.Exit(2);
        return default!;
    }
}
