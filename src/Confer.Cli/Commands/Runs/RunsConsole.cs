using Spectre.Console;

namespace Confer.Cli.Commands.Runs;

/// <summary>A Spectre console over a plain writer, so the runs command prints the same to a terminal, a pipe or a test.</summary>
internal static class RunsConsole
{
    public static IAnsiConsole Create(TextWriter writer)
    {
        bool terminal = ReferenceEquals(writer, Console.Out) && !Console.IsOutputRedirected;
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        if (!terminal)
        {
            // Pipes and files have no width; keep hashes and paths on one line.
            console.Profile.Width = 240;
        }

        return console;
    }

    public static string Bytes(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:0.0} KiB",
        _ => $"{bytes / (1024.0 * 1024.0):0.0} MiB",
    };

    public static string Time(DateTimeOffset? time) => time?.ToString("yyyy-MM-dd HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture) ?? "-";

    public static string Duration(DateTimeOffset start, DateTimeOffset? end) =>
        end is null ? "-" : $"{(end.Value - start).TotalSeconds.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture)} s";
}
