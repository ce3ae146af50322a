namespace Confer.Data.Tests;

public sealed class PartitionSpecTests
{
    [Theory]
    [InlineData("iid", PartitionScheme.Iid)]
    [InlineData(" Strided ", PartitionScheme.Strided)]
    [InlineData("DIRICHLET:0.5", PartitionScheme.Dirichlet)]
    [InlineData("shards:2", PartitionScheme.Shards)]
    public void Parse_KnownName_ReturnsScheme(string text, PartitionScheme expected)
    {
        Assert.Equal(expected, PartitionSpec.Parse(text).Scheme);
    }

    [Fact]
    public void Parse_DirichletWithAlpha_ReadsAlphaInvariantly()
    {
        Assert.Equal(0.25, PartitionSpec.Parse("dirichlet:0.25").Alpha);
        Assert.Equal(1e-3, PartitionSpec.Parse("dirichlet:1e-3").Alpha);
    }

    [Fact]
    public void Parse_WithoutValue_UsesDefaults()
    {
        Assert.Equal(PartitionSpec.DefaultAlpha, PartitionSpec.Parse("dirichlet").Alpha);
        Assert.Equal(PartitionSpec.DefaultShardsPerClient, PartitionSpec.Parse("shards").ShardsPerClient);
    }

    [Theory]
    [InlineData("iid")]
    [InlineData("strided")]
    [InlineData("dirichlet:0.5")]
    [InlineData("dirichlet:1E-05")]
    [InlineData("shards:3")]
    public void ToString_ParsedSpec_RoundTrips(string text)
    {
        PartitionSpec spec = PartitionSpec.Parse(text);

        Assert.Equal(spec, PartitionSpec.Parse(spec.ToString()));
    }

    [Theory]
    [InlineData("random", "'random' is not a partition scheme")]
    [InlineData("", "'' is not a partition scheme")]
    [InlineData("dirichlet:0", "not a finite number greater than 0")]
    [InlineData("dirichlet:-2", "not a finite number greater than 0")]
    [InlineData("dirichlet:NaN", "not a finite number greater than 0")]
    [InlineData("dirichlet:abc", "not a finite number greater than 0")]
    [InlineData("shards:0", "not a whole number of at least 1")]
    [InlineData("shards:1.5", "not a whole number of at least 1")]
    [InlineData("iid:3", "'iid' takes no value")]
    public void Parse_InvalidText_ThrowsFormatExceptionListingChoices(string text, string problem)
    {
        var e = Assert.Throws<FormatException>(() => PartitionSpec.Parse(text));

        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
        Assert.Contains("iid, strided, dirichlet:ALPHA", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dirichlet_AlphaZero_ThrowsArgumentOutOfRange()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PartitionSpec.Dirichlet(0));
    }

    [Fact]
    public void Shards_Zero_ThrowsArgumentOutOfRange()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PartitionSpec.Shards(0));
    }
}
