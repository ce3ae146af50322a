using Confer.Core;

namespace Confer.Federation.Strategies;

/// <summary>
/// FedProx (Li et al., 2020), Flower's <c>FedProx</c>: aggregation is FedAvg's weighted mean, and
/// every fit configuration carries <c>proximal_mu</c>, which the client adds to its loss as
/// μ/2·‖w − w_global‖² (the TorchSharp client does).
/// </summary>
public sealed class FedProx : FederatedStrategy
{
    /// <summary>The fit configuration key clients read μ from.</summary>
    public const string ProximalMuKey = "proximal_mu";

    private readonly double _proximalMu;

    /// <inheritdoc/>
    public override string Name => "FedProx";

    /// <summary>The proximal term's weight μ ≥ 0 (Flower's <c>proximal_mu</c>, which has no default either); 0 is FedAvg.</summary>
    public required double ProximalMu
    {
        get => _proximalMu;
        init => _proximalMu = value >= 0 && double.IsFinite(value)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(ProximalMu), value, "proximal_mu must be finite and not negative.");
    }

    /// <inheritdoc/>
    protected override ConfigRecord AddFitConfig(int round, ConfigRecord config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.With(ProximalMuKey, ProximalMu);
    }

    /// <inheritdoc/>
    protected override IParameterAggregation BeginParameterAggregation(int round, ModelState parameters) =>
        BeginWeightedMeanAggregation(parameters);
}
