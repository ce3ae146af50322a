using Confer.Data;
using Confer.Examples;
using Confer.Torch;
using Confer.Workflow;

// OpenFL's FederatedFlow tutorial. A quick run: --rounds 2 --max-examples 500 (options: ExampleOptions).
//
//   dotnet run --project examples/FederatedFlow -c Release [-- --rounds 3 --backend parallel --checkpoint]
ExampleOptions options = ExampleOptions.Parse(args, defaultRounds: 3);
ImageDataset train = FashionMnist.LoadTrain(options.Data);
ImageDataset test = FashionMnist.LoadTest(options.Data);

string[] names = ["Portland", "Seattle", "Chandler", "Bangalore"];
IReadOnlyList<int[]> trainParts = DataPartitioner.Strided(train.Count, names.Length);
IReadOnlyList<int[]> testParts = DataPartitioner.Strided(test.Count, names.Length);

// As OpenFL's callable private attributes: each collaborator's data is cut when the runtime first needs it
// (to its first --max-examples images of each set, when given).
Collaborator[] collaborators = [.. names.Select((name, i) => new Collaborator(name)
{
    PrivateAttributesFactory = () => new Dictionary<string, object?>
    {
        ["TrainData"] = train.Subset(options.Limit(trainParts[i]), $"{name} train"),
        ["TestData"] = test.Subset(options.Limit(testParts[i]), $"{name} test"),
    },
})];

var runtime = new LocalRuntime(
    new Aggregator(),
    collaborators,
    options.Backend,
    new LocalRuntimeOptions
    {
        Codecs = CodecRegistry.CreateDefault().Add(OpenFlCnnCodec.Create()),
        RunStoreDirectory = options.Store,
    });
Console.WriteLine($"Local runtime collaborators = [{string.Join(", ", runtime.Collaborators)}]");

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

var flow = new FederatedFlow(OpenFlCnn.Create(seed: 1), options.Rounds)
{
    MaxBatches = options.MaxBatches,
    Checkpoint = options.Checkpoint,
    Runtime = runtime,
};
FlowRunResult result = await flow.RunAsync(cancel.Token).ConfigureAwait(false);

Console.WriteLine($"Final model hash: {flow.Model!.GetModelState().ComputeHash()}");
Console.WriteLine($"Run {result.RunId} of {result.FlowName}: {result.TaskCount} tasks, {result.Egress.Count} attribute transfers ({result.Egress.Sum(e => e.Size)} bytes), recorded in {result.StoreDirectory}");
