using System.CommandLine;
using Spectre.Console;

namespace Confer.Cli.Commands.Lifecycle;

/// <summary>
/// Where a lifecycle command writes: the invocation's output and error writers (tests capture
/// them), a Spectre console over the output for tables and prompts, and whether a person is
/// there to answer a prompt.
/// </summary>
internal sealed class CommandConsole
{
    private CommandConsole(TextWriter output, TextWriter error, IAnsiConsole ansi, bool interactive)
    {
        Out = output;
        Error = error;
        Ansi = ansi;
        Interactive = interactive;
    }

    public TextWriter Out { get; }

    public TextWriter Error { get; }

    public IAnsiConsole Ansi { get; }

    /// <summary>Whether prompts can be shown: the output is the real terminal and standard input is not redirected.</summary>
    public bool Interactive { get; }

    public static CommandConsole From(ParseResult parseResult)
    {
        var configuration = parseResult.InvocationConfiguration;
        TextWriter output = configuration.Output;
        TextWriter error = configuration.Error;
        bool realConsole = ReferenceEquals(output, Console.Out);
        if (realConsole)
        {
            bool interactive = !Console.IsInputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
            return new CommandConsole(output, error, AnsiConsole.Console, interactive);
        }

        // Captured output (tests, scripts embedding the tree): plain text, never a prompt.
        var ansi = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        ansi.Profile.Width = 200;
        return new CommandConsole(output, error, ansi, interactive: false);
    }

    public void Line(string text) => Out.WriteLine(text);

    /// <summary>Prints one file the command wrote, relative to <paramref name="baseDirectory"/> when inside it.</summary>
    public void Wrote(string path, string what, string? baseDirectory = null) =>
        Out.WriteLine($"  wrote {Display(path, baseDirectory)}  ({what})");

    /// <summary>Prints the error and returns the exit code to end the command with.</summary>
    public int Fail(string message, int exitCode = ExitCodes.Failed)
    {
        Error.WriteLine($"error: {message}");
        return exitCode;
    }

    public void Warn(string message) => Error.WriteLine($"warning: {message}");

    public static string Display(string path, string? baseDirectory)
    {
        if (baseDirectory is null)
        {
            return path;
        }

        string relative = Path.GetRelativePath(baseDirectory, path);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? path : relative;
    }
}
