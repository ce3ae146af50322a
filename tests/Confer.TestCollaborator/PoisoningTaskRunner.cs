using Confer.Core;
using Confer.Federation.Grpc;
using Confer.Federation.TaskRunners;
using Microsoft.Extensions.Logging;

namespace Confer.TestCollaborator;

/// <summary>
/// A model-poisoning collaborator: it runs the inner runner honestly, then replaces every trained
/// model it returns by <c>global + scale × (trained − global)</c> (with a negative scale, a scaled,
/// sign-flipped update). The result keeps the global model's names, shapes and element types and
/// finite values, so it passes every check of the aggregator: only the aggregation can defend.
/// </summary>
internal sealed partial class PoisoningTaskRunner(ITaskRunner inner, string collaborator, double scale, ILogger logger) : ITaskRunner
{
    public async ValueTask<TaskResult> RunAsync(TaskRequest request, CancellationToken cancellationToken = default)
    {
        TaskResult result = await inner.RunAsync(request, cancellationToken).ConfigureAwait(false);
        if (result.Model is null)
        {
            return result;
        }

        (ModelState poisoned, double honestNorm, double sentNorm) = Poison(request.GlobalModel, result.Model, scale);
        Poisoned(logger, collaborator, request.Task.Name, request.Round, scale, honestNorm, sentNorm);
        return result with { Model = poisoned };
    }

    public void Dispose() => inner.Dispose();

    /// <summary>
    /// <c>global + scale × (trained − global)</c> for every floating-point tensor (integer tensors,
    /// such as counters, are sent as trained), with the L2 norms of the honest and the sent update.
    /// </summary>
    internal static (ModelState Poisoned, double HonestNorm, double SentNorm) Poison(ModelState global, ModelState trained, double scale)
    {
        double honest = 0;
        double sent = 0;
        var tensors = new List<NamedTensor>(trained.Count);
        foreach (NamedTensor tensor in trained)
        {
            NamedTensor result = tensor.Clone();
            if (global.TryGet(tensor.Name, out NamedTensor? reference) && reference.HasSameLayout(tensor))
            {
                switch (tensor.ElementType)
                {
                    case ElementType.Float32:
                        {
                            ReadOnlySpan<float> g = reference.AsReadOnlySpan<float>();
                            Span<float> values = result.AsSpan<float>();
                            for (var i = 0; i < values.Length; i++)
                            {
                                double update = values[i] - (double)g[i];
                                values[i] = (float)(g[i] + (scale * update));
                                honest += update * update;
                                sent += (values[i] - (double)g[i]) * (values[i] - (double)g[i]);
                            }

                            break;
                        }

                    case ElementType.Float64:
                        {
                            ReadOnlySpan<double> g = reference.AsReadOnlySpan<double>();
                            Span<double> values = result.AsSpan<double>();
                            for (var i = 0; i < values.Length; i++)
                            {
                                double update = values[i] - g[i];
                                values[i] = g[i] + (scale * update);
                                honest += update * update;
                                sent += (values[i] - g[i]) * (values[i] - g[i]);
                            }

                            break;
                        }

                    default:
                        break;
                }
            }

            tensors.Add(result);
        }

        return (new ModelState(tensors), Math.Sqrt(honest), Math.Sqrt(sent));
    }

    [LoggerMessage(1, LogLevel.Warning, "Collaborator {Collaborator} poisons its {Task} result of round {Round}: it sends global + {Scale} x (trained - global); update L2 norm {HonestNorm:F4} trained, {SentNorm:F4} sent")]
    private static partial void Poisoned(ILogger logger, string collaborator, string task, int round, double scale, double honestNorm, double sentNorm);
}
