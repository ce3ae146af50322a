namespace Confer.Torch.Tests.Infrastructure;

/// <summary>Records every report on the reporting thread (Progress&lt;T&gt; would post them asynchronously).</summary>
internal sealed class SynchronousProgress<T> : IProgress<T>
{
    public List<T> Reports { get; } = [];

    public void Report(T value) => Reports.Add(value);
}
