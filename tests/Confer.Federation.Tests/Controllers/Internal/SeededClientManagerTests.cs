using Confer.Federation.Controllers.Internal;

namespace Confer.Federation.Tests.Controllers.Internal;

public class SeededClientManagerTests
{
    private static readonly string[] Clients = Enumerable.Range(0, 100).Select(i => $"client-{i:D3}").ToArray();

    [Fact]
    public void Sample_SameSeedAndRound_SameClientsInChannelOrder()
    {
        var a = new SeededClientManager(Clients, 1, 3, RoundPhase.Fit).Sample(10, 2);
        var b = new SeededClientManager(Clients, 1, 3, RoundPhase.Fit).Sample(10, 2);

        Assert.Equal(a, b);
        Assert.Equal(10, a.Distinct().Count());
        Assert.Equal(a.Order(StringComparer.Ordinal), a);
    }

    [Fact]
    public void Sample_OtherRoundOrPhase_OtherClients()
    {
        var round3 = new SeededClientManager(Clients, 1, 3, RoundPhase.Fit).Sample(10, 2);
        var round4 = new SeededClientManager(Clients, 1, 4, RoundPhase.Fit).Sample(10, 2);
        var evaluate = new SeededClientManager(Clients, 1, 3, RoundPhase.Evaluate).Sample(10, 2);

        Assert.NotEqual(round3, round4);
        Assert.NotEqual(round3, evaluate);
    }

    [Fact]
    public void Sample_MoreThanAvailableOrBelowMinimum_IsEmpty()
    {
        var manager = new SeededClientManager(Clients, 1, 1, RoundPhase.Fit);

        Assert.Empty(manager.Sample(101, 1));
        Assert.Empty(manager.Sample(5, 101));
        Assert.Equal(Clients, manager.Sample(100, 100));
    }

    [Fact]
    public void SampleIndices_IsUniform()
    {
        // Each of 10 items should be picked in about 3/10 of 20,000 draws of 3.
        var counts = new int[10];
        var random = new Random(5);
        for (int draw = 0; draw < 20_000; draw++)
        {
            foreach (int i in SeededClientManager.SampleIndices(10, 3, random))
            {
                counts[i]++;
            }
        }

        Assert.All(counts, c => Assert.InRange(c, 5_700, 6_300));
    }
}
