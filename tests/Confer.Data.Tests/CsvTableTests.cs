using Confer.Data.Tests.Infrastructure;

namespace Confer.Data.Tests;

public sealed class CsvTableTests
{
    [Fact]
    public void Parse_NumericTable_SplitsFeaturesAndLabel()
    {
        const string Csv = "age,label,income\n30,1,2.5\n41,0,-1e3\n";

        CsvTable table = CsvTable.Parse(new StringReader(Csv), "label", "people.csv");

        Assert.Equal(["age", "income"], table.FeatureNames);
        Assert.Equal("label", table.LabelName);
        Assert.Equal(2, table.Count);
        Assert.Equal(2, table.FeatureCount);
        Assert.Equal([30f, 2.5f], table.Row(0).ToArray());
        Assert.Equal([41f, -1000f], table.Row(1).ToArray());
        Assert.Equal([1f, 0f], table.Labels.ToArray());
        Assert.Empty(table.ClassNames);
        Assert.Equal([1, 0], table.ClassLabels());
    }

    [Fact]
    public void Parse_TextLabels_NumbersClassesInOrdinalOrder()
    {
        const string Csv = "sepal,species\n5.1,setosa\n7.0,versicolor\n6.3,virginica\n4.9,setosa\n";

        CsvTable table = CsvTable.Parse(new StringReader(Csv), "species", "iris.csv");

        Assert.Equal(["setosa", "versicolor", "virginica"], table.ClassNames);
        Assert.Equal([0, 1, 2, 0], table.ClassLabels());
    }

    [Fact]
    public void Parse_QuotedFieldsBlankLinesAndCrLf_AreRead()
    {
        const string Csv = "\"a\",\"the \"\"label\"\"\"\r\n\r\n\"1.5\", \"x, y\"\r\n2,z\r\n";

        CsvTable table = CsvTable.Parse(new StringReader(Csv), "the \"label\"", "quoted.csv");

        Assert.Equal([1.5f, 2f], table.Features.ToArray());
        Assert.Equal(["x, y", "z"], table.ClassNames);
    }

    [Fact]
    public void Parse_SemicolonDelimiter_IsUsed()
    {
        CsvTable table = CsvTable.Parse(new StringReader("x;y\n1;2\n"), "y", "semi.csv", delimiter: ';');

        Assert.Equal([1f], table.Row(0).ToArray());
    }

    [Fact]
    public void Parse_BadNumber_ThrowsWithLineAndColumn()
    {
        const string Csv = "a,b,label\n1,2,0\n3,abc,1\n";

        var e = Assert.Throws<CsvFormatException>(() => CsvTable.Parse(new StringReader(Csv), "label", "data.csv"));

        Assert.Contains("'data.csv' line 3, column 'b': 'abc' is not a number", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_EmptyFeatureValue_ThrowsWithLine()
    {
        var e = Assert.Throws<CsvFormatException>(() => CsvTable.Parse(new StringReader("a,label\n,1\n"), "label", "data.csv"));

        Assert.Contains("line 2, column 'a': an empty value", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NonFiniteFeature_Throws()
    {
        var e = Assert.Throws<CsvFormatException>(() => CsvTable.Parse(new StringReader("a,label\nNaN,1\n"), "label", "data.csv"));

        Assert.Contains("not a finite number", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_RaggedRow_ThrowsWithLineAndCounts()
    {
        const string Csv = "a,b,label\n1,2,0\n\n3,4\n";

        var e = Assert.Throws<CsvFormatException>(() => CsvTable.Parse(new StringReader(Csv), "label", "data.csv"));

        Assert.Contains("line 4 has 2 fields but the header has 3 columns", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MissingLabelColumn_ThrowsListingColumns()
    {
        var e = Assert.Throws<CsvFormatException>(() => CsvTable.Parse(new StringReader("a,b\n1,2\n"), "target", "data.csv"));

        Assert.Contains("no column 'target'", e.Message, StringComparison.Ordinal);
        Assert.Contains("a, b", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DuplicateColumn_Throws()
    {
        var e = Assert.Throws<CsvFormatException>(() => CsvTable.Parse(new StringReader("a,a,label\n1,2,3\n"), "label", "data.csv"));

        Assert.Contains("column 'a' twice", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnclosedQuote_ThrowsWithLine()
    {
        var e = Assert.Throws<CsvFormatException>(() => CsvTable.Parse(new StringReader("a,label\n\"1,2\n"), "label", "data.csv"));

        Assert.Contains("line 2", e.Message, StringComparison.Ordinal);
        Assert.Contains("not closed", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_EmptyText_ThrowsNeedsHeader()
    {
        var e = Assert.Throws<CsvFormatException>(() => CsvTable.Parse(new StringReader("\n\n"), "label", "empty.csv"));

        Assert.Contains("header", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ClassLabels_FractionalLabels_ThrowsNotAClassIndex()
    {
        CsvTable table = CsvTable.Parse(new StringReader("x,y\n1,0.5\n"), "y", "regression.csv");

        var e = Assert.Throws<CsvFormatException>(() => table.ClassLabels());

        Assert.Contains("0.5", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_FileWithByteOrderMark_ReadsHeaderName()
    {
        using var temp = new TempDirectory();
        string path = temp.File("bom.csv");
        File.WriteAllText(path, "label,x\n1,2\n", new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true));

        CsvTable table = CsvTable.Load(path, "label");

        Assert.Equal(["x"], table.FeatureNames);
        Assert.Equal(path, table.Source);
    }
}
