using System.Text.Json;
using Confer.Core;

namespace Confer.Federation;

/// <summary>
/// The record of a federated run (Flower's <c>History</c>): one <see cref="RoundRecord"/> per
/// round, the centralized evaluation of the initial model, and the final global model. The
/// Flower-style views (<see cref="LossesDistributed"/>, <see cref="MetricsCentralized"/>, ...) list
/// (round, value) pairs.
/// </summary>
public sealed class History
{
    /// <summary>Creates a history.</summary>
    /// <param name="strategy">The strategy's name.</param>
    /// <param name="initialEvaluation">Centralized evaluation of the initial model (round 0), or <see langword="null"/>.</param>
    /// <param name="rounds">The rounds in order.</param>
    /// <param name="parameters">The final global model.</param>
    public History(string strategy, CentralizedEvaluation? initialEvaluation, IReadOnlyList<RoundRecord> rounds, ModelState parameters)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        ArgumentNullException.ThrowIfNull(rounds);
        ArgumentNullException.ThrowIfNull(parameters);
        Strategy = strategy;
        InitialEvaluation = initialEvaluation;
        Rounds = rounds;
        Parameters = parameters;
    }

    /// <summary>The strategy's name.</summary>
    public string Strategy { get; }

    /// <summary>Centralized evaluation of the initial model (round 0), when the strategy evaluates centrally.</summary>
    public CentralizedEvaluation? InitialEvaluation { get; }

    /// <summary>The rounds in order.</summary>
    public IReadOnlyList<RoundRecord> Rounds { get; }

    /// <summary>The final global model.</summary>
    public ModelState Parameters { get; }

    /// <summary>The distributed (client-evaluated) loss per round, for rounds that had one.</summary>
    public IReadOnlyList<(int Round, double Loss)> LossesDistributed =>
        Rounds.Where(r => r.LossDistributed.HasValue).Select(r => (r.Round, r.LossDistributed!.Value)).ToArray();

    /// <summary>The centralized loss per round, round 0 (the initial model) included when evaluated.</summary>
    public IReadOnlyList<(int Round, double Loss)> LossesCentralized =>
        (InitialEvaluation is null ? [] : new[] { (0, InitialEvaluation.Loss) })
            .Concat(Rounds.Where(r => r.LossCentralized.HasValue).Select(r => (r.Round, r.LossCentralized!.Value)))
            .ToArray();

    /// <summary>Each aggregated fit metric as (round, value) pairs.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<(int Round, double Value)>> MetricsDistributedFit => Pivot(Rounds.Select(r => (r.Round, r.MetricsDistributedFit)));

    /// <summary>Each aggregated distributed-evaluation metric as (round, value) pairs.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<(int Round, double Value)>> MetricsDistributed => Pivot(Rounds.Select(r => (r.Round, r.MetricsDistributed)));

    /// <summary>Each centralized metric as (round, value) pairs, round 0 included when evaluated.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<(int Round, double Value)>> MetricsCentralized =>
        Pivot((InitialEvaluation is null ? [] : new[] { (0, InitialEvaluation.Metrics) }).Concat(Rounds.Select(r => (r.Round, r.MetricsCentralized))));

    /// <summary>
    /// Writes the history as JSON: <c>strategy</c>, <c>initial</c> (round 0's centralized
    /// evaluation or null) and <c>rounds</c>, one object per round with <c>round</c>,
    /// <c>loss_distributed</c>, <c>metrics_distributed</c>, <c>metrics_distributed_fit</c>,
    /// <c>loss_centralized</c>, <c>metrics_centralized</c>, <c>fit_results</c>, <c>fit_failures</c>,
    /// <c>evaluate_results</c>, <c>evaluate_failures</c> (lists of client, reason, message),
    /// <c>parameters_updated</c> and <c>seconds</c>. Numbers are written round-trip exact.
    /// </summary>
    /// <param name="stream">Where to write (UTF-8).</param>
    public void WriteJson(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("strategy", Strategy);
        json.WritePropertyName("initial");
        if (InitialEvaluation is null)
        {
            json.WriteNullValue();
        }
        else
        {
            json.WriteStartObject();
            WriteNumber(json, "loss_centralized", InitialEvaluation.Loss);
            WriteMetrics(json, "metrics_centralized", InitialEvaluation.Metrics);
            json.WriteEndObject();
        }

        json.WriteStartArray("rounds");
        foreach (RoundRecord round in Rounds)
        {
            json.WriteStartObject();
            json.WriteNumber("round", round.Round);
            WriteNumber(json, "loss_distributed", round.LossDistributed);
            WriteMetrics(json, "metrics_distributed", round.MetricsDistributed);
            WriteMetrics(json, "metrics_distributed_fit", round.MetricsDistributedFit);
            WriteNumber(json, "loss_centralized", round.LossCentralized);
            WriteMetrics(json, "metrics_centralized", round.MetricsCentralized);
            json.WriteNumber("fit_results", round.FitResults);
            WriteFailures(json, "fit_failures", round.FitFailures);
            json.WriteNumber("evaluate_results", round.EvaluateResults);
            WriteFailures(json, "evaluate_failures", round.EvaluateFailures);
            json.WriteBoolean("parameters_updated", round.ParametersUpdated);
            json.WriteNumber("seconds", round.Seconds);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>The history as JSON text (see <see cref="WriteJson"/>).</summary>
    /// <returns>The JSON.</returns>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        WriteJson(buffer);
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static Dictionary<string, IReadOnlyList<(int Round, double Value)>> Pivot(IEnumerable<(int Round, MetricRecord Metrics)> rounds)
    {
        var series = new SortedDictionary<string, List<(int Round, double Value)>>(StringComparer.Ordinal);
        foreach ((int round, MetricRecord metrics) in rounds)
        {
            foreach (KeyValuePair<string, double> metric in metrics)
            {
                if (!series.TryGetValue(metric.Key, out List<(int Round, double Value)>? list))
                {
                    list = [];
                    series[metric.Key] = list;
                }

                list.Add((round, metric.Value));
            }
        }

        return series.ToDictionary(p => p.Key, p => (IReadOnlyList<(int Round, double Value)>)p.Value, StringComparer.Ordinal);
    }

    private static void WriteNumber(Utf8JsonWriter json, string name, double? value)
    {
        // JSON has no NaN or infinity; a non-finite aggregate is written as null rather than failing the whole file.
        if (value is { } v && double.IsFinite(v))
        {
            json.WriteNumber(name, v);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static void WriteMetrics(Utf8JsonWriter json, string name, MetricRecord metrics)
    {
        json.WriteStartObject(name);
        foreach (KeyValuePair<string, double> metric in metrics)
        {
            WriteNumber(json, metric.Key, metric.Value);
        }

        json.WriteEndObject();
    }

    private static void WriteFailures(Utf8JsonWriter json, string name, IReadOnlyList<ClientFailure> failures)
    {
        json.WriteStartArray(name);
        foreach (ClientFailure failure in failures)
        {
            json.WriteStartObject();
            json.WriteString("client", failure.ClientId);
            json.WriteString("task", failure.TaskKind);
            json.WriteString("reason", failure.Reason.ToString());
            json.WriteString("message", failure.Message);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }
}
