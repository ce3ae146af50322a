using Confer.Federation.Messages;
using System.Text.Json;
using Confer.Federation.Tests.TestSupport;

namespace Confer.Federation.Tests;

public class HistoryTests
{
    [Fact]
    public void WriteJson_HasOneEntryPerRoundWithTheDocumentedFields()
    {
        var history = new History(
            "FedAvg",
            new CentralizedEvaluation(2.3, MetricRecord.Of("accuracy", 0.1)),
            [
                new RoundRecord
                {
                    Round = 1,
                    LossDistributed = 0.5,
                    MetricsDistributed = MetricRecord.Of("accuracy", 0.8),
                    LossCentralized = 0.6,
                    MetricsCentralized = MetricRecord.Of("accuracy", 0.75),
                    FitResults = 3,
                    FitFailures = [new ClientFailure("Seattle", ReasonCode.Timeout, "late")],
                    Seconds = 1.5,
                    ParametersUpdated = true,
                },
                new RoundRecord { Round = 2, LossCentralized = double.NaN },
            ],
            States.Vector(1f));

        using JsonDocument json = JsonDocument.Parse(history.ToJson());

        JsonElement rounds = json.RootElement.GetProperty("rounds");
        Assert.Equal(2, rounds.GetArrayLength());
        JsonElement first = rounds[0];
        Assert.Equal(1, first.GetProperty("round").GetInt32());
        Assert.Equal(0.5, first.GetProperty("loss_distributed").GetDouble());
        Assert.Equal(0.8, first.GetProperty("metrics_distributed").GetProperty("accuracy").GetDouble());
        Assert.Equal(0.6, first.GetProperty("loss_centralized").GetDouble());
        Assert.Equal(0.75, first.GetProperty("metrics_centralized").GetProperty("accuracy").GetDouble());
        Assert.Equal("Seattle", first.GetProperty("fit_failures")[0].GetProperty("client").GetString());
        Assert.Equal("Timeout", first.GetProperty("fit_failures")[0].GetProperty("reason").GetString());
        Assert.Equal(0, first.GetProperty("evaluate_failures").GetArrayLength());
        Assert.Equal(1.5, first.GetProperty("seconds").GetDouble());
        Assert.Equal(JsonValueKind.Null, rounds[1].GetProperty("loss_centralized").ValueKind);
        Assert.Equal(JsonValueKind.Null, rounds[1].GetProperty("loss_distributed").ValueKind);
        Assert.Equal(2.3, json.RootElement.GetProperty("initial").GetProperty("loss_centralized").GetDouble());
    }
}
