namespace Confer.Pki.Tests;

public class PkiNamesTests
{
    [Theory]
    [InlineData("alpha")]
    [InlineData("site-01")]
    [InlineData("hospital_A.ward.3")]
    [InlineData("a")]
    public void ValidateCollaboratorName_AcceptableLabel_Passes(string name)
    {
        PkiNames.ValidateCollaboratorName(name);

        Assert.True(PkiNames.IsValidCollaboratorName(name));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("../etc", "'/'")]
    [InlineData("al pha", "' '")]
    [InlineData("ålpha", "'å'")]
    [InlineData("a,b", "','")]
    [InlineData("..", "only of dots")]
    public void ValidateCollaboratorName_BadLabel_NamesTheProblem(string name, string problem)
    {
        var error = Assert.Throws<PkiException>(() => PkiNames.ValidateCollaboratorName(name));

        Assert.Equal(PkiError.InvalidName, error.Error);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
        Assert.Contains("letters, digits", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateCollaboratorName_SixtyFiveCharacters_IsTooLong()
    {
        PkiNames.ValidateCollaboratorName(new string('a', 64));

        var error = Assert.Throws<PkiException>(() => PkiNames.ValidateCollaboratorName(new string('a', 65)));

        Assert.Contains("65 characters", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Agg.Example.ORG", "agg.example.org")]
    [InlineData("localhost", "localhost")]
    [InlineData("127.0.0.1", "127.0.0.1")]
    [InlineData("::1", "::1")]
    [InlineData("agg-01.example.org.", "agg-01.example.org")]
    public void NormalizeAggregatorFqdn_HostOrIp_ReturnsCanonicalForm(string fqdn, string expected)
    {
        Assert.Equal(expected, PkiNames.NormalizeAggregatorFqdn(fqdn));
    }

    [Theory]
    [InlineData("")]
    [InlineData("agg_01.example.org")]
    [InlineData("-agg.example.org")]
    [InlineData("999.1.1.1")]
    [InlineData("agg/../x")]
    public void NormalizeAggregatorFqdn_NotAHostName_Refuses(string fqdn)
    {
        var error = Assert.Throws<PkiException>(() => PkiNames.NormalizeAggregatorFqdn(fqdn));

        Assert.Equal(PkiError.InvalidName, error.Error);
        Assert.Contains("not a valid host name", error.Message, StringComparison.Ordinal);
    }
}
