using System.Globalization;
using Confer.Core;
using Confer.Data;
using Confer.Federation.Grpc;
using Confer.Federation.TaskRunners;
using Confer.Federation.Torch;
using Confer.TestCollaborator;
using Confer.Torch;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

// A collaborator process with test behaviour, for end-to-end tests. It runs CollaboratorHost like
// `confer collaborator start`, with one twist per mode:
//   Confer.TestCollaborator WORKSPACE NAME HOLD_ROUND RELEASE_FILE
//       the echo task runner; every task of round HOLD_ROUND waits until RELEASE_FILE exists, so
//       the test decides when it reports (stragglers).
//   Confer.TestCollaborator poison WORKSPACE NAME SCALE
//       the real torch_cnn task runner, but every trained model is replaced by
//       global + SCALE x (trained - global) before it is sent (model poisoning).
//   Confer.TestCollaborator evaluate MODEL.pbuf TEST_EXAMPLES
//       not a collaborator: prints the accuracy of a saved torch_cnn model on the first
//       TEST_EXAMPLES images of the Fashion-MNIST test set.
const string Usage = """
    usage: Confer.TestCollaborator WORKSPACE NAME HOLD_ROUND RELEASE_FILE
           Confer.TestCollaborator poison WORKSPACE NAME SCALE
           Confer.TestCollaborator evaluate MODEL.pbuf TEST_EXAMPLES
    """;
if (args.Length != 4 && !(args.Length == 3 && args[0] == "evaluate"))
{
    await Console.Error.WriteLineAsync(Usage).ConfigureAwait(false);
    return 2;
}

if (args[0] == "evaluate")
{
    return Evaluate(args[1], int.Parse(args[2], CultureInfo.InvariantCulture));
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

string workspace;
string name;
TaskRunnerCatalog catalog;
if (args[0] == "poison")
{
    workspace = args[1];
    name = args[2];
    catalog = PoisonCatalog(name, double.Parse(args[3], CultureInfo.InvariantCulture), loggerFactory);
}
else
{
    workspace = args[0];
    name = args[1];
    var holdRound = int.Parse(args[2], CultureInfo.InvariantCulture);
    var releaseFile = args[3];
    catalog = new TaskRunnerCatalog()
        .Add(EchoTaskRunner.Registration with
        {
            Create = context => new HeldTaskRunner(EchoTaskRunner.Registration.Create(context), holdRound, releaseFile, loggerFactory.CreateLogger("Confer.TestCollaborator")),
        })
        .AddDataLoader("none", Confer.Plan.SettingsSchema.Empty);
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
return await CollaboratorHost.RunAsync(
    new CollaboratorOptions
    {
        WorkspaceDirectory = Path.GetFullPath(workspace),
        Name = name,
        Catalog = catalog,
        LoggerFactory = loggerFactory,
    },
    stop.Token).ConfigureAwait(false);

// The catalog of `confer` (torch_cnn and fashion_mnist), with torch_cnn's runner wrapped to poison what it trains.
static TaskRunnerCatalog PoisonCatalog(string name, double scale, ILoggerFactory loggerFactory) =>
    new TaskRunnerCatalog()
        .Add(TorchCnnTaskRunner.Registration with
        {
            Create = context => new PoisoningTaskRunner(TorchCnnTaskRunner.Registration.Create(context), name, scale, loggerFactory.CreateLogger("Confer.TestCollaborator")),
        })
        .AddDataLoader(FashionMnistDataLoader.Name, FashionMnistDataLoader.Settings, FashionMnistDataLoader.Description);

static int Evaluate(string modelPath, int testExamples)
{
    ModelState model = ModelStateSerializer.Load(modelPath);
    ImageDataset test = FashionMnist.LoadTest();
    using OpenFlCnn network = OpenFlCnn.Create();
    network.LoadModelState(model, modelPath);
    Confer.Torch.EvaluateResult result = Trainer.Evaluate(network, test, 1000, [.. Enumerable.Range(0, testExamples)]);
    Console.WriteLine(FormattableString.Invariant($"accuracy {result.Accuracy:F4} loss {result.Loss:F4} on {result.ExampleCount} test examples of {modelPath}"));
    return 0;
}
