using Confer.Data;
using Confer.Federation.TaskRunners;
using Confer.Plan;

namespace TabularModel;

/// <summary>
/// Reads a collaborator's CSV file (its line in plan/data.yaml is the path, relative to the
/// workspace): a header row, numeric feature columns and a label column of class indices. Every
/// k-th row is held out for validation (k from test_fraction), and features are standardized
/// with the training rows' statistics.
/// </summary>
public sealed class CsvDataLoader : IPlanDataLoader<TabularData>
{
    public SettingsSchema Settings { get; } = new(
    [
        SettingDefinition.String("label_column", "label", "The name of the column holding the class index."),
        SettingDefinition.Number("test_fraction", 0.2, 0.05, 0.5, description: "The share of rows held out for validation."),
    ]);

    public string Description => "A CSV file per collaborator: numeric features and a label column.";

    public TabularData Load(DataLoaderContext context)
    {
        PlanSettings settings = context.Plan.DataLoader.Settings;
        string labelColumn = settings.TryGetValue("label_column", out PlanValue? l) ? l.AsString() : "label";
        double testFraction = settings.TryGetValue("test_fraction", out PlanValue? t) ? t.AsNumber() : 0.2;

        CsvTable table = CsvTable.Load(context.DataPath(), labelColumn);
        int[] classes = table.ClassLabels();
        int every = Math.Max(2, (int)Math.Round(1 / testFraction));
        var train = new List<int>();
        var test = new List<int>();
        for (int row = 0; row < table.Count; row++)
        {
            (row % every == every - 1 ? test : train).Add(row);
        }

        if (train.Count == 0 || test.Count == 0)
        {
            throw new InvalidOperationException($"{table.Source} has {table.Count} rows: too few to hold out one in {every} for validation.");
        }

        int features = table.FeatureCount;
        var mean = new double[features];
        var deviation = new double[features];
        foreach (int row in train)
        {
            ReadOnlySpan<float> values = table.Row(row);
            for (int f = 0; f < features; f++)
            {
                mean[f] += values[f] / (double)train.Count;
            }
        }

        foreach (int row in train)
        {
            ReadOnlySpan<float> values = table.Row(row);
            for (int f = 0; f < features; f++)
            {
                deviation[f] += Math.Pow(values[f] - mean[f], 2) / train.Count;
            }
        }

        for (int f = 0; f < features; f++)
        {
            deviation[f] = Math.Sqrt(deviation[f]) is var d && d > 1e-12 ? d : 1;
        }

        float[] Rows(List<int> rows)
        {
            var result = new float[rows.Count * features];
            for (int i = 0; i < rows.Count; i++)
            {
                ReadOnlySpan<float> values = table.Row(rows[i]);
                for (int f = 0; f < features; f++)
                {
                    result[(i * features) + f] = (float)((values[f] - mean[f]) / deviation[f]);
                }
            }

            return result;
        }

        return new TabularData(features, Rows(train), [.. train.Select(r => (long)classes[r])], Rows(test), [.. test.Select(r => (long)classes[r])]);
    }
}
