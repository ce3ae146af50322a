namespace Confer.Data.Tests.Infrastructure;

/// <summary>
/// A fact that needs the real Fashion-MNIST files; skipped, with the reason, only when no searched
/// folder holds them (CI installs the Debian package, so there it always runs).
/// </summary>
public sealed class FashionMnistFactAttribute : FactAttribute
{
    public FashionMnistFactAttribute()
    {
        if (!FashionMnist.TryFindDirectory(null, out _))
        {
            Skip = $"Fashion-MNIST is not installed (looked in ${FashionMnist.EnvironmentVariable} and {FashionMnist.SystemDirectory}); run `apt-get install dataset-fashion-mnist` as root or set {FashionMnist.EnvironmentVariable}.";
        }
    }
}
