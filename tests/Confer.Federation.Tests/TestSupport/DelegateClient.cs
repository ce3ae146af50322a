using Confer.Core;
using Confer.Federation.Clients;

namespace Confer.Federation.Tests.TestSupport;

/// <summary>A client whose methods are given as delegates; counts live instances to check release and parallelism.</summary>
internal sealed class DelegateClient : IClient, IDisposable
{
    private readonly Func<ModelState, ConfigRecord, CancellationToken, Task<FitResult>> _fit;
    private readonly Func<ModelState, ConfigRecord, CancellationToken, Task<EvaluateResult>>? _evaluate;
    private readonly Func<ModelState>? _parameters;
    private readonly InstanceCounter? _counter;
    private bool _disposed;

    public DelegateClient(
        Func<ModelState, ConfigRecord, CancellationToken, Task<FitResult>> fit,
        Func<ModelState, ConfigRecord, CancellationToken, Task<EvaluateResult>>? evaluate = null,
        Func<ModelState>? parameters = null,
        InstanceCounter? counter = null)
    {
        _fit = fit;
        _evaluate = evaluate;
        _parameters = parameters;
        _counter = counter;
        counter?.Created();
    }

    public Task<ModelState> GetParametersAsync(ConfigRecord config, CancellationToken cancellationToken = default) =>
        Task.FromResult(_parameters?.Invoke() ?? throw new InvalidOperationException("no parameters"));

    public Task<FitResult> FitAsync(ModelState parameters, ConfigRecord config, CancellationToken cancellationToken = default) =>
        _fit(parameters, config, cancellationToken);

    public Task<EvaluateResult> EvaluateAsync(ModelState parameters, ConfigRecord config, CancellationToken cancellationToken = default) =>
        _evaluate is null ? throw new NotSupportedException("no evaluate") : _evaluate(parameters, config, cancellationToken);

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _counter?.Released();
        }
    }
}
