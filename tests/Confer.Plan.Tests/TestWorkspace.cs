using Confer.Federation.Strategies;
using Confer.Plan;

namespace Confer.Plan.Tests;

/// <summary>A temporary workspace folder with plan files, deleted on dispose.</summary>
internal sealed class TestWorkspace : IDisposable
{
    public TestWorkspace()
    {
        Root = Path.Combine(Path.GetTempPath(), "confer-plan-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public static PlanTypeRegistry Registry() => PlanTypeRegistry.CreateDefault().Add(StrategyRegistry.Default).Add(new TestPlanTypes());

    public TestWorkspace Write(string relativePath, string text)
    {
        var path = Path.Combine(Root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text.ReplaceLineEndings("\n"));
        return this;
    }

    public string Read(string relativePath) => File.ReadAllText(Path.Combine(Root, relativePath));

    public FederationPlan Load(PlanLoadOptions? options = null) => new PlanLoader(Registry()).Load(Root, options);

    public PlanValidationException LoadFails() => Assert.Throws<PlanValidationException>(() => Load());

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder is harmless; a failed cleanup must not fail the test.
        }
    }
}
