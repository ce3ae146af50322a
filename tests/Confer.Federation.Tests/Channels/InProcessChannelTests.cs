using Confer.Federation.Channels;
using Confer.Federation.Clients;
using Confer.Federation.Tests.TestSupport;

namespace Confer.Federation.Tests.Channels;

public class InProcessChannelTests
{
    [Fact]
    public async Task FitAsync_CreatesTheClientByIdAndReleasesIt()
    {
        var counter = new InstanceCounter();
        ClientContext? seen = null;
        var channel = new InProcessChannel(
            context =>
            {
                seen = context;
                return new DelegateClient((p, c, ct) => Task.FromResult(new FitResult(p.Clone(), 1)), counter: counter);
            },
            ["Portland", "Seattle", "Chandler", "Bangalore"]);

        await channel.FitAsync("Chandler", new FitInstructions(States.Vector(1f), ConfigRecord.Empty)).DefaultTimeout();

        Assert.Equal(new ClientContext("Chandler", 2, 4), seen);
        Assert.Equal(1, counter.CreatedCount);
        Assert.Equal(0, counter.Alive);
    }

    [Fact]
    public async Task FitAsync_ClientThrows_StillReleasesIt()
    {
        var counter = new InstanceCounter();
        var channel = new InProcessChannel(_ => new DelegateClient((p, c, ct) => throw new InvalidOperationException("x"), counter: counter), 3);

        await Assert.ThrowsAsync<InvalidOperationException>(() => channel.FitAsync("1", new FitInstructions(States.Vector(1f), ConfigRecord.Empty))).DefaultTimeout();

        Assert.Equal(0, counter.Alive);
    }

    [Fact]
    public async Task FitAsync_UnknownClient_Throws()
    {
        var channel = new InProcessChannel(_ => throw new InvalidOperationException("not reached"), 3);

        await Assert.ThrowsAsync<ArgumentException>(() => channel.FitAsync("3", new FitInstructions(States.Vector(1f), ConfigRecord.Empty))).DefaultTimeout();
        await Assert.ThrowsAsync<ArgumentException>(() => channel.FitAsync("01", new FitInstructions(States.Vector(1f), ConfigRecord.Empty))).DefaultTimeout();
    }

    [Fact]
    public void Constructor_DuplicateNames_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => new InProcessChannel(_ => null!, ["a", "b", "a"]));

        Assert.Contains("'a'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Clients_Numbered_AreMadeOnDemand()
    {
        var channel = new InProcessChannel(_ => null!, 1_000_000);

        Assert.Equal(1_000_000, channel.Clients.Count);
        Assert.Equal("999999", channel.Clients[999_999]);
    }
}
