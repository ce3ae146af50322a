using Confer.Plan;
using Confer.Plan.Internal;

namespace Confer.Plan.Tests.Internal;

public sealed class CanonicalYamlWriterTests
{
    [Theory]
    [InlineData(1.0, "1.0")]
    [InlineData(-0.0, "0.0")]
    [InlineData(0.1, "0.1")]
    [InlineData(1e-9, "1.0E-09")]
    [InlineData(2.5e-7, "2.5E-07")]
    [InlineData(1e20, "1.0E+20")]
    [InlineData(120, "120.0")]
    public void FormatNumber_HasOneSpellingPerValue(double value, string expected)
    {
        Assert.Equal(expected, CanonicalYamlWriter.FormatScalar(PlanValue.FromNumber(value)));
    }

    [Fact]
    public void Write_QuotesStringsAndOddKeysAndEscapes()
    {
        var root = PlanValue.FromMap(
        [
            new("b", PlanValue.FromString("say \"hi\"\n\tback\\slash")),
            new("a key", PlanValue.FromBoolean(true)),
            new("yes", PlanValue.FromInteger(-3)),
            new("empty", PlanValue.FromList([])),
            new("nested", PlanValue.FromList([PlanValue.FromList([PlanValue.Null]), PlanValue.FromMap([])])),
        ]);

        var text = CanonicalYamlWriter.Write(root);

        Assert.Equal(
            "\"a key\": true\nb: \"say \\\"hi\\\"\\n\\tback\\\\slash\"\nempty: []\nnested:\n  -\n    - null\n  - {}\n\"yes\": -3\n",
            text);
    }

    [Fact]
    public void Write_OutputParsesBackToTheSameValues()
    {
        var root = PlanValue.FromMap(
        [
            new("text", PlanValue.FromString("true")),
            new("number", PlanValue.FromNumber(1e-9)),
            new("list", PlanValue.FromStrings(["a", "1", "null"])),
        ]);
        var problems = new ProblemCollector();

        var node = Assert.IsType<PlanMapNode>(YamlFileReader.Read("x.yaml", CanonicalYamlWriter.Write(root), problems, out var failed));

        Assert.False(failed);
        Assert.True(node.TryGet("text", out var text));
        Assert.Equal(PlanValueKind.String, Assert.IsType<PlanScalarNode>(text.Value).Resolved);
        Assert.True(node.TryGet("number", out var number));
        Assert.Equal(1e-9, Assert.IsType<PlanScalarNode>(number.Value).NumberValue);
        Assert.True(node.TryGet("list", out var list));
        Assert.All(Assert.IsType<PlanListNode>(list.Value).Items, item => Assert.Equal(PlanValueKind.String, Assert.IsType<PlanScalarNode>(item).Resolved));
    }
}
