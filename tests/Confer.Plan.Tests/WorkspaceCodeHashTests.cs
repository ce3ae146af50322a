using System.Security.Cryptography;
using Confer.Plan;

namespace Confer.Plan.Tests;

public sealed class WorkspaceCodeHashTests
{
    [Fact]
    public void AWorkspaceWithoutAProject_HasNoCode_AndItsFederationIdIsThePlansOwn()
    {
        using var workspace = PlanFixtures.FullWorkspace().Write("code/README.md", "notes");

        var plan = workspace.Load();

        Assert.Null(WorkspaceCodeHash.Compute(workspace.Root));
        Assert.Null(plan.CodeHash);
        Assert.Equal(PlanLoader.ComputeHash(plan.CanonicalYaml), plan.Hash);
    }

    [Fact]
    public void TheHash_CoversEverySourceFile_ButNotTheBuildOutput()
    {
        using var workspace = PlanFixtures.FullWorkspace()
            .Write("code/Hospital.csproj", "<Project />")
            .Write("code/Runner.cs", "class Runner { }");
        string first = WorkspaceCodeHash.Compute(workspace.Root)!;

        workspace.Write("code/bin/confer/Hospital.dll", "built").Write("code/obj/project.assets.json", "{}").Write("code/.vs/state", "ide");
        Assert.Equal(first, WorkspaceCodeHash.Compute(workspace.Root));
        Assert.Equal(["Hospital.csproj", "Runner.cs"], WorkspaceCodeHash.SourceFiles(workspace.Root));

        workspace.Write("code/Runner.cs", "class Runner { int x; }");
        Assert.NotEqual(first, WorkspaceCodeHash.Compute(workspace.Root));
    }

    [Fact]
    public void TheFederationId_CoversTheCode_AndAFrozenPlanFileStillHashesToIt()
    {
        using var workspace = PlanFixtures.FullWorkspace().Write("code/Hospital.csproj", "<Project />").Write("code/Runner.cs", "class Runner { }");
        var plan = workspace.Load();
        Assert.NotNull(plan.CodeHash);
        Assert.NotEqual(PlanLoader.ComputeHash(plan.CanonicalYaml), plan.Hash);

        var files = PlanFreezer.Freeze(plan);

        // sha384sum -c plan/plan.yaml.sha384 holds for a workspace with code too.
        Assert.Equal(plan.Hash, Convert.ToHexStringLower(SHA384.HashData(File.ReadAllBytes(files.PlanPath))));
        Assert.Equal(plan.Hash, workspace.Load().Hash);
    }

    [Fact]
    public void CodeChangedAfterFreezing_IsRefusedNamingTheFiles()
    {
        using var workspace = PlanFixtures.FullWorkspace().Write("code/Hospital.csproj", "<Project />").Write("code/Runner.cs", "class Runner { }");
        PlanFreezer.Freeze(workspace.Load());

        workspace.Write("code/Runner.cs", "class Runner { int x; }").Write("code/Extra.cs", "class Extra { }");
        var refused = Assert.Throws<PlanFrozenException>(() => workspace.Load());

        Assert.StartsWith("The workspace code changed after the plan was frozen (code/Extra.cs added, code/Runner.cs changed; plan/plan.yaml.code.sha256 lists the frozen files).", refused.Message, StringComparison.Ordinal);
    }
}
