// Times training epochs of OpenFL's tutorial CNN on Fashion-MNIST with Confer.Torch, one epoch
// per "epoch" line read from standard input, so a driver script can alternate this process with
// a PyTorch one and let machine noise hit both alike (bench/scripts/torch-epoch.sh).
//
// Arguments: [--seed N] [--onednn forward-only|disabled|libtorch-default] [--threads N] [--label NAME]
// Output: one "ready ..." line after loading, then per epoch:
//   epoch=<n> seconds=<s> loss=<mean train loss> accuracy=<test accuracy> finite=<true|false>
using System.Globalization;
using Confer.Core;
using Confer.Data;
using Confer.Torch;

int seed = 1;
int? threads = null;
OneDnnTrainingMode? mode = null;
string label = "torchsharp";
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--seed":
            seed = int.Parse(args[++i], CultureInfo.InvariantCulture);
            break;
        case "--threads":
            threads = int.Parse(args[++i], CultureInfo.InvariantCulture);
            break;
        case "--onednn":
            mode = TorchRuntime.ParseOneDnnTrainingMode(args[++i]);
            break;
        case "--label":
            label = args[++i];
            break;
        default:
            Console.Error.WriteLine($"unknown argument '{args[i]}'");
            return 2;
    }
}

TorchRuntime.Configure(new TorchRuntimeOptions { Threads = threads, OneDnnTraining = mode });
ImageDataset train = FashionMnist.LoadTrain();
ImageDataset test = FashionMnist.LoadTest();
using OpenFlCnn model = OpenFlCnn.Create(seed);
using var optimizer = new SgdOptimizer(model, learningRate: 0.01, momentum: 0.5);
var options = new TrainOptions { BatchSize = 64, Seed = seed };
Console.WriteLine(FormattableString.Invariant(
    $"ready label={label} onednn={TorchRuntime.FormatOneDnnTrainingMode(TorchRuntime.OneDnnTraining)} threads={TorchRuntime.Threads} glibc_tunables={Environment.GetEnvironmentVariable("GLIBC_TUNABLES") ?? "-"}"));

int epoch = 0;
while (Console.ReadLine() is string line)
{
    if (line.Trim() != "epoch")
    {
        continue;
    }

    epoch++;
    TrainResult result = Trainer.TrainEpoch(model, optimizer, train, epoch, options);
    EvaluateResult evaluation = Trainer.Evaluate(model, test, batchSize: 1000);
    bool finite = result.NonFiniteLossCount == 0 && AllFinite(model.GetModelState());
    Console.WriteLine(FormattableString.Invariant(
        $"epoch={epoch} seconds={result.Elapsed.TotalSeconds:F3} loss={result.Loss:F4} accuracy={evaluation.Accuracy:F4} finite={(finite ? "true" : "false")}"));
}

return 0;

static bool AllFinite(ModelState state) =>
    state.Where(t => t.ElementType == ElementType.Float32).All(t => AllFiniteValues(t.AsReadOnlySpan<float>()));

static bool AllFiniteValues(ReadOnlySpan<float> values)
{
    foreach (float v in values)
    {
        if (!float.IsFinite(v))
        {
            return false;
        }
    }

    return true;
}
