using Confer.Federation.Grpc;
using Confer.TestCollaborator;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

// A collaborator process for end-to-end tests of straggler handling:
//   Confer.TestCollaborator WORKSPACE NAME HOLD_ROUND RELEASE_FILE
// It runs CollaboratorHost like `confer collaborator start`, with the echo task runner, except that
// every task of round HOLD_ROUND waits until RELEASE_FILE exists: the test decides when it reports.
if (args.Length != 4)
{
    await Console.Error.WriteLineAsync("usage: Confer.TestCollaborator WORKSPACE NAME HOLD_ROUND RELEASE_FILE").ConfigureAwait(false);
    return 2;
}

using var loggerFactory = LoggerFactory.Create(logging =>
{
    logging.AddSimpleConsole(o =>
    {
        o.SingleLine = true;
        o.UseUtcTimestamp = true;
        o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
        o.ColorBehavior = LoggerColorBehavior.Disabled;
    });
    logging.SetMinimumLevel(LogLevel.Information);
});

var holdRound = int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture);
var releaseFile = args[3];
var catalog = new TaskRunnerCatalog()
    .Add(EchoTaskRunner.Registration with
    {
        Create = context => new HeldTaskRunner(EchoTaskRunner.Registration.Create(context), holdRound, releaseFile, loggerFactory.CreateLogger("Confer.TestCollaborator")),
    })
    .AddDataLoader("none", Confer.Plan.SettingsSchema.Empty);
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
return await CollaboratorHost.RunAsync(
    new CollaboratorOptions
    {
        WorkspaceDirectory = Path.GetFullPath(args[0]),
        Name = args[1],
        Catalog = catalog,
        LoggerFactory = loggerFactory,
    },
    stop.Token).ConfigureAwait(false);
