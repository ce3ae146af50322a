using System.CommandLine;
using Confer.Core;
using Confer.Pki;
using Confer.Plan;

namespace Confer.Cli.Commands.Lifecycle;

/// <summary>
/// Runs a lifecycle command body and turns the refusals the libraries throw into an error line
/// and an exit code: every library message already says what was wrong and what to do.
/// </summary>
internal static class LifecycleAction
{
    /// <summary>The <c>--workspace</c> option every lifecycle command takes; OpenFL works in the current folder, and so does Confer by default.</summary>
    public static Option<string> WorkspaceOption() => new("--workspace", "-w")
    {
        Description = "The workspace folder (default: the current folder).",
        DefaultValueFactory = _ => ".",
    };

    public static void Set(Command command, Func<ParseResult, CommandConsole, CancellationToken, int> body) =>
        command.SetAction((parseResult, cancellationToken) =>
        {
            var console = CommandConsole.From(parseResult);
            return Task.FromResult(Run(console, () => body(parseResult, console, cancellationToken)));
        });

    public static int Run(CommandConsole console, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (PlanValidationException ex)
        {
            console.Error.WriteLine($"error: the plan has {ex.Problems.Length} problem{(ex.Problems.Length == 1 ? "" : "s")}:");
            foreach (var problem in ex.Problems)
            {
                console.Error.WriteLine($"  {problem}");
            }

            console.Error.WriteLine("Fix them in the files named above and run the command again.");
            return ExitCodes.Failed;
        }
        catch (PlanFrozenException ex)
        {
            return console.Fail(ex.Message);
        }
        catch (PkiException ex)
        {
            return console.Fail(ex.Message);
        }
        catch (LifecycleException ex)
        {
            return console.Fail(ex.Message, ex.ExitCode);
        }
        catch (ModelStateException ex)
        {
            return console.Fail(ex.Message);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return console.Fail($"{ex.Message} Check the path and its permissions, then run the command again.");
        }
    }
}
