using Confer.Federation.Grpc.Internal;

namespace Confer.Federation.Grpc.Tests;

/// <summary>The aggregator's logs/metrics.csv: rows appended per round, exactly once across restarts.</summary>
public sealed class MetricsLogTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("confer-metrics-").FullName;

    private string CsvPath => Path.Combine(_directory, "logs", "metrics.csv");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void RowsWrittenRoundByRound_ReadBackAsWritten_EvenWithCommasQuotesAndLineBreaksInNames()
    {
        var log = new MetricsLog(CsvPath);
        Assert.Equal(0, log.Resume(0));
        AggregatorMetric[] round0 =
        [
            new(0, "train", "loss", "alpha", 0.25, 600),
            new(0, "train", "loss", "beta", 0.5, 200),
            new(0, "train", "loss", null, 0.3125, 800),
        ];
        AggregatorMetric[] round1 =
        [
            new(1, "aggregated_model_validation", "acc, top-1", "col \"x\"", 1e-7, 5),
            new(1, "aggregated_model_validation", "odd\nname", null, -2.5, 5),
        ];
        log.Append(round0);
        log.Append(round1);

        var lines = File.ReadAllLines(CsvPath);
        Assert.Equal(AggregatorMetrics.Header, lines[0]);
        Assert.Equal("0,train,loss,alpha,0.25,600", lines[1]);
        Assert.Equal("0,train,loss,,0.3125,800", lines[3]);
        Assert.Equal("1,aggregated_model_validation,\"acc, top-1\",\"col \"\"x\"\"\",1E-07,5", lines[4]);
        Assert.Equal(6, lines.Length);

        var read = AggregatorMetrics.Read(CsvPath);
        Assert.Equal([.. round0, round1[0], round1[1] with { Metric = "odd name" }], read);
    }

    [Fact]
    public void Resume_DropsTheRoundsToBeTrainedAgainAndAHalfWrittenRow_KeepsTheRest()
    {
        var log = new MetricsLog(CsvPath);
        log.Resume(0);
        log.Append([new AggregatorMetric(0, "train", "loss", null, 1, 10)]);
        log.Append([new AggregatorMetric(1, "train", "loss", null, 0.5, 10)]);
        log.Append([new AggregatorMetric(2, "train", "loss", null, 0.25, 10)]);
        File.AppendAllText(CsvPath, "3,train,\"lo");

        // A restart from the checkpoint of round 1 trains rounds 1 and 2 again.
        var reopened = new MetricsLog(CsvPath);
        Assert.Equal(3, reopened.Resume(1));

        Assert.Equal([AggregatorMetrics.Header, "0,train,loss,,1,10"], File.ReadAllLines(CsvPath));
        reopened.Append([new AggregatorMetric(1, "train", "loss", null, 0.5, 10)]);
        Assert.Equal([new AggregatorMetric(0, "train", "loss", null, 1, 10), new AggregatorMetric(1, "train", "loss", null, 0.5, 10)], AggregatorMetrics.Read(CsvPath));
    }

    [Fact]
    public void Resume_WithNothingToDrop_LeavesTheFileAlone()
    {
        var log = new MetricsLog(CsvPath);
        log.Resume(0);
        log.Append([new AggregatorMetric(0, "train", "loss", null, 1, 10)]);
        var written = File.GetLastWriteTimeUtc(CsvPath);
        var content = File.ReadAllText(CsvPath);

        Assert.Equal(0, new MetricsLog(CsvPath).Resume(1));

        Assert.Equal(content, File.ReadAllText(CsvPath));
        Assert.Equal(written, File.GetLastWriteTimeUtc(CsvPath));
    }
}
