using System.Security.Cryptography;
using Confer.Plan;

namespace Confer.Plan.Tests;

public sealed class PlanFreezerTests
{
    [Fact]
    public void Freeze_WritesTheCanonicalPlanAndItsSha384Beside()
    {
        using var workspace = PlanFixtures.FullWorkspace();
        var plan = workspace.Load();

        var files = PlanFreezer.Freeze(plan);

        Assert.Equal(Path.Combine(workspace.Root, "plan/plan.yaml"), files.PlanPath);
        Assert.Equal(Path.Combine(workspace.Root, "plan/plan.yaml.sha384"), files.HashPath);
        Assert.Equal(plan.CanonicalYaml, workspace.Read("plan/plan.yaml"));
        Assert.Equal($"{plan.Hash}  plan.yaml\n", workspace.Read("plan/plan.yaml.sha384"));
        // What `sha384sum -c plan/plan.yaml.sha384` checks: the file's own bytes hash to the federation id.
        Assert.Equal(plan.Hash, Convert.ToHexStringLower(SHA384.HashData(File.ReadAllBytes(files.PlanPath))));
        Assert.False(File.Exists(files.PlanPath + ".tmp"));
    }

    [Fact]
    public void Load_AfterFreeze_IsFrozenWithTheSameHash()
    {
        using var workspace = PlanFixtures.FullWorkspace();
        var plan = workspace.Load();
        PlanFreezer.Freeze(plan);

        var frozen = workspace.Load();

        Assert.True(frozen.IsFrozen);
        Assert.Equal(plan.Hash, frozen.FrozenHash);
        Assert.Equal(plan.Hash, frozen.Hash);
        // Defaults were inlined: the frozen plan no longer depends on the defaults files.
        File.Delete(Path.Combine(workspace.Root, "plan/defaults/aggregator.yaml"));
        Assert.Equal(plan.Hash, workspace.Load().Hash);
    }

    [Fact]
    public void Load_FrozenPlanEditedAfterwards_IsRefusedNamingBothHashes()
    {
        using var workspace = PlanFixtures.FullWorkspace();
        var frozenHash = PlanFreezer.Freeze(workspace.Load()).Hash;
        workspace.Write("plan/plan.yaml", workspace.Read("plan/plan.yaml").Replace("rounds_to_train: 10", "rounds_to_train: 11", StringComparison.Ordinal));

        var exception = Assert.Throws<PlanFrozenException>(() => workspace.Load());

        Assert.Equal(frozenHash, exception.FrozenHash);
        Assert.NotEqual(frozenHash, exception.CurrentHash);
        Assert.Matches("^[0-9a-f]{96}$", exception.CurrentHash);
        Assert.Contains(frozenHash, exception.Message, StringComparison.Ordinal);
        Assert.Contains(exception.CurrentHash, exception.Message, StringComparison.Ordinal);
        Assert.StartsWith("plan/plan.yaml was edited after it was frozen: plan/plan.yaml.sha384 holds SHA-384 ", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_FrozenPlanWithOnlyACommentAdded_IsTheSameFederation()
    {
        using var workspace = PlanFixtures.FullWorkspace();
        var frozenHash = PlanFreezer.Freeze(workspace.Load()).Hash;
        workspace.Write("plan/plan.yaml", "# reviewed by the hospital's data officer\n" + workspace.Read("plan/plan.yaml"));

        Assert.Equal(frozenHash, workspace.Load().Hash);
    }

    [Fact]
    public void Freeze_AgainAfterAnEdit_RecordsTheNewHash()
    {
        using var workspace = PlanFixtures.FullWorkspace();
        var first = PlanFreezer.Freeze(workspace.Load()).Hash;
        workspace.Write("plan/plan.yaml", workspace.Read("plan/plan.yaml").Replace("rounds_to_train: 10", "rounds_to_train: 12", StringComparison.Ordinal));

        var edited = workspace.Load(new PlanLoadOptions { VerifyFrozenHash = false });
        var second = PlanFreezer.Freeze(edited).Hash;

        Assert.NotEqual(first, second);
        Assert.Equal(12, workspace.Load().Aggregator.RoundsToTrain);
    }

    [Fact]
    public void ReadFrozenHash_MalformedHashFile_IsAProblem()
    {
        using var workspace = PlanFixtures.FullWorkspace().Write("plan/plan.yaml.sha384", "not-a-hash  plan.yaml\n");

        var problem = Assert.Single(workspace.LoadFails().Problems);

        Assert.Equal("plan/plan.yaml.sha384", problem.File);
        Assert.Null(PlanFreezer.ReadFrozenHash(Path.Combine(workspace.Root, "elsewhere")));
    }
}
