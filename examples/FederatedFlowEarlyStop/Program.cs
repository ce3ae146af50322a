using Confer.Data;
using Confer.Examples;
using Confer.Torch;
using Confer.Workflow;

// FederatedFlow with an aggregator-only validation step and early stopping. A quick run:
// --rounds 2 --max-examples 500 (options: ExampleOptions).
//
//   dotnet run --project examples/FederatedFlowEarlyStop -c Release [-- --rounds 10 --backend parallel]
ExampleOptions options = ExampleOptions.Parse(args, defaultRounds: 10);
ImageDataset train = FashionMnist.LoadTrain(options.Data);
ImageDataset test = FashionMnist.LoadTest(options.Data);

// The aggregator keeps the last 2,000 test images for itself; the collaborators split the rest.
// --max-examples caps every one of these sets: the held-out set and each collaborator's two.
const int HeldOut = 2000;
ImageDataset heldOut = test.Subset(options.Limit([.. Enumerable.Range(test.Count - HeldOut, HeldOut)]), "aggregator held-out");
ImageDataset shared = test.Subset([.. Enumerable.Range(0, test.Count - HeldOut)], "collaborator test");

string[] names = ["Portland", "Seattle", "Chandler", "Bangalore"];
IReadOnlyList<int[]> trainParts = DataPartitioner.Strided(train.Count, names.Length);
IReadOnlyList<int[]> testParts = DataPartitioner.Strided(shared.Count, names.Length);
Collaborator[] collaborators = [.. names.Select((name, i) => new Collaborator(name)
{
    PrivateAttributesFactory = () => new Dictionary<string, object?>
    {
        ["TrainData"] = train.Subset(options.Limit(trainParts[i]), $"{name} train"),
        ["TestData"] = shared.Subset(options.Limit(testParts[i]), $"{name} test"),
    },
})];
var aggregator = new Aggregator();
aggregator.PrivateAttributes["HeldOutData"] = heldOut;

var runtime = new LocalRuntime(
    aggregator,
    collaborators,
    options.Backend,
    new LocalRuntimeOptions
    {
        Codecs = CodecRegistry.CreateDefault().Add(OpenFlCnnCodec.Create()),
        RunStoreDirectory = options.Store,
    });

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

var flow = new FederatedFlowEarlyStop(OpenFlCnn.Create(seed: 1), options.Rounds)
{
    MaxBatches = options.MaxBatches,
    Checkpoint = options.Checkpoint,
    Runtime = runtime,
};
FlowRunResult result = await flow.RunAsync(cancel.Token).ConfigureAwait(false);

Console.WriteLine($"Best model hash: {flow.BestModel?.ComputeHash()}");
Console.WriteLine($"Final model hash: {flow.Model!.GetModelState().ComputeHash()}");
Console.WriteLine($"Run {result.RunId} of {result.FlowName}: {result.TaskCount} tasks, recorded in {result.StoreDirectory}");
Console.WriteLine($"Held-out images sent to collaborators: {result.Egress.Count(e => e.Attribute == nameof(FederatedFlowEarlyStop.HeldOutData))}");
