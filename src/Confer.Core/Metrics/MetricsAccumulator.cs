namespace Confer.Core.Metrics;

/// <summary>
/// Aggregates collaborators' metrics one entry at a time: per metric name, the example-weighted
/// mean (Flower's <c>weighted_average</c>), min, max and count. Non-finite values (a diverged
/// loss) are counted apart and kept out of the mean, min and max, so one collaborator cannot turn
/// the round's figures into NaN. Sums are in float64; results do not depend on the order of
/// entries beyond float64 rounding.
/// </summary>
public sealed class MetricsAccumulator
{
    private readonly SortedDictionary<string, Running> _metrics = new(StringComparer.Ordinal);

    /// <summary>The number of entries added.</summary>
    public int EntryCount { get; private set; }

    /// <summary>Adds one collaborator's metrics.</summary>
    /// <param name="metrics">Values by metric name.</param>
    /// <param name="exampleCount">The number of examples behind the values; at least 0.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="exampleCount"/> is negative.</exception>
    public void Add(IReadOnlyDictionary<string, double> metrics, long exampleCount)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentOutOfRangeException.ThrowIfNegative(exampleCount);
        foreach (KeyValuePair<string, double> entry in metrics)
        {
            if (!_metrics.TryGetValue(entry.Key, out Running? running))
            {
                running = new Running();
                _metrics.Add(entry.Key, running);
            }

            running.Add(entry.Value, exampleCount);
        }

        EntryCount++;
    }

    /// <summary>Adds one collaborator's metrics.</summary>
    /// <param name="entry">The metrics and their example count.</param>
    public void Add(WeightedMetrics entry) => Add(entry.Metrics, entry.ExampleCount);

    /// <summary>The summaries so far, by metric name in ordinal order.</summary>
    /// <returns>One summary per metric name seen.</returns>
    public IReadOnlyDictionary<string, MetricSummary> Result()
    {
        var result = new SortedDictionary<string, MetricSummary>(StringComparer.Ordinal);
        foreach (KeyValuePair<string, Running> entry in _metrics)
        {
            result.Add(entry.Key, entry.Value.Summarize(entry.Key));
        }

        return result;
    }

    private sealed class Running
    {
        private double _weightedSum;
        private double _plainSum;
        private double _min = double.PositiveInfinity;
        private double _max = double.NegativeInfinity;
        private int _count;
        private int _nonFinite;
        private long _examples;

        public void Add(double value, long examples)
        {
            if (!double.IsFinite(value))
            {
                _nonFinite++;
                return;
            }

            _weightedSum += value * examples;
            _plainSum += value;
            _min = Math.Min(_min, value);
            _max = Math.Max(_max, value);
            _count++;
            _examples += examples;
        }

        public MetricSummary Summarize(string name)
        {
            if (_count == 0)
            {
                return new MetricSummary(name, double.NaN, double.NaN, double.NaN, 0, 0, _nonFinite);
            }

            double mean = _examples > 0 ? _weightedSum / _examples : _plainSum / _count;
            return new MetricSummary(name, mean, _min, _max, _count, _examples, _nonFinite);
        }
    }
}
