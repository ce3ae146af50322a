namespace Confer.Federation.Tests;

public class ConfigValueTests
{
    [Fact]
    public void Scalars_RoundTrip_AndConvertAsFlowersConfigRecordsDo()
    {
        Assert.True(((ConfigValue)true).ToBoolean());
        Assert.Equal(3, ((ConfigValue)3).ToInt64());
        Assert.Equal(3.0, ((ConfigValue)3).ToDouble());
        Assert.Equal(2, ((ConfigValue)2.0).ToInt64());
        Assert.Equal("x", ((ConfigValue)"x").ToString());
        Assert.Equal([1, 2], ConfigValue.FromBytes(new byte[] { 1, 2 }).ToBytes().ToArray());
    }

    [Fact]
    public void Lists_HoldOneScalarKind_AndCompareByContent()
    {
        ConfigValue longs = ConfigValue.FromList(new long[] { 1, 2, 3 });
        ConfigValue strings = ConfigValue.FromList(["a", "b"]);
        ConfigValue bytes = ConfigValue.FromList([new byte[] { 1 }, new byte[] { 2, 3 }]);

        Assert.Equal(ConfigValueKind.IntegerList, longs.Kind);
        Assert.True(longs.IsList);
        Assert.Equal([1.0, 2.0, 3.0], longs.ToDoubleList());
        Assert.Equal(["a", "b"], strings.ToStringList());
        Assert.Equal([2, 3], bytes.ToBytesList()[1].ToArray());
        Assert.Equal(longs, ConfigValue.FromList(new long[] { 1, 2, 3 }));
        Assert.NotEqual(longs, ConfigValue.FromList(new long[] { 1, 2 }));
        Assert.Equal("[1, 2, 3]", longs.ToString());
    }

    [Fact]
    public void WrongKind_SaysWhatTheValueIs()
    {
        var error = Assert.Throws<InvalidCastException>(() => ConfigValue.FromList(["a"]).ToInt64());

        Assert.Contains("string list", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bytes_AreCopied_SoTheRecordCannotChangeUnderItsReaders()
    {
        byte[] source = [1, 2, 3];
        ConfigValue value = ConfigValue.FromBytes(source);
        source[0] = 9;

        Assert.Equal(1, value.ToBytes().Span[0]);
    }
}
