using Confer.Plan;

namespace Confer.Plan.Tests;

public sealed class StragglerPolicyTests
{
    private static readonly TimeSpan Early = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Late = TimeSpan.FromSeconds(100);

    [Fact]
    public void WaitForAll_ClosesOnlyWhenEveryoneReported()
    {
        var policy = StragglerPolicy.WaitForAll;

        Assert.False(policy.IsRoundComplete(9, 10, Late));
        Assert.True(policy.IsRoundComplete(10, 10, Early));
    }

    [Fact]
    public void CutoffTime_ClosesAtTheCutoffOnceTheMinimumReported()
    {
        var policy = new StragglerPolicy(StragglerPolicyKind.CutoffTime, TimeSpan.FromSeconds(60), null, MinimumReporting: 3);

        Assert.False(policy.IsRoundComplete(5, 10, Early));
        Assert.False(policy.IsRoundComplete(2, 10, Late));
        Assert.True(policy.IsRoundComplete(3, 10, Late));
        Assert.True(policy.IsRoundComplete(10, 10, Early));
    }

    [Fact]
    public void Percentage_ClosesAtTheFractionButNotBelowTheMinimum()
    {
        var policy = new StragglerPolicy(StragglerPolicyKind.Percentage, null, 0.3, MinimumReporting: 1);
        var strict = new StragglerPolicy(StragglerPolicyKind.Percentage, null, 0.3, MinimumReporting: 5);

        // 0.3 × 10 is 3.0000000000000004 in binary; three results are enough.
        Assert.False(policy.IsRoundComplete(2, 10, Early));
        Assert.True(policy.IsRoundComplete(3, 10, Early));
        Assert.False(strict.IsRoundComplete(4, 10, Late));
        Assert.True(strict.IsRoundComplete(5, 10, Early));
    }

    [Fact]
    public void Minimum_IsCappedAtTheNumberAssigned()
    {
        var policy = new StragglerPolicy(StragglerPolicyKind.CutoffTime, TimeSpan.FromSeconds(1), null, MinimumReporting: 5);

        Assert.True(policy.IsRoundComplete(2, 2, Early));
        Assert.False(policy.IsRoundComplete(1, 2, Late));
    }
}
