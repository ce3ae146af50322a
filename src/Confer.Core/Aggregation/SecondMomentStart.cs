namespace Confer.Core.Aggregation;

/// <summary>Where the adaptive server optimizers' second moment v starts.</summary>
public enum SecondMomentStart
{
    /// <summary>v starts at 0, as Flower's FedAdam, FedYogi and FedAdagrad do (every version, checked against flwr 1.28). The default.</summary>
    Zero = 0,

    /// <summary>v starts at τ², as Reddi et al. 2021, Algorithm 2 asks (v₋₁ ≥ τ²): smaller first steps while v is still near τ².</summary>
    TauSquared = 1,
}
