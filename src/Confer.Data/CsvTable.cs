using System.Globalization;
using System.Text;

namespace Confer.Data;

/// <summary>
/// A numeric table read from CSV: a header row naming the columns, one example per row, every
/// column but the label a feature of type float. The label column is chosen by name; when all its
/// values are numbers they are the labels, otherwise its distinct values are classes, numbered in
/// ordinal order of their text (see <see cref="ClassNames"/>).
/// </summary>
/// <remarks>
/// Fields may be quoted with double quotes (<c>""</c> inside quotes is a quote); a quoted field
/// cannot span lines. Blank lines are skipped. Numbers use the invariant culture (a dot as decimal
/// separator); an empty or non-finite feature value is an error, as there is no missing-value rule
/// that suits every model.
/// </remarks>
public sealed class CsvTable
{
    private readonly float[] _features;
    private readonly float[] _labels;
    private readonly string[] _featureNames;
    private readonly string[] _classNames;

    private CsvTable(string source, string[] featureNames, string labelName, float[] features, float[] labels, string[] classNames)
    {
        Source = source;
        _featureNames = featureNames;
        LabelName = labelName;
        _features = features;
        _labels = labels;
        _classNames = classNames;
    }

    /// <summary>Where the table was read from, for messages.</summary>
    public string Source { get; }

    /// <summary>The feature columns' names, in file order (the label column left out).</summary>
    public IReadOnlyList<string> FeatureNames => _featureNames;

    /// <summary>The label column's name.</summary>
    public string LabelName { get; }

    /// <summary>The class names when the label column holds text, indexed by label; empty when the labels are numbers.</summary>
    public IReadOnlyList<string> ClassNames => _classNames;

    /// <summary>The number of rows (examples).</summary>
    public int Count => _labels.Length;

    /// <summary>The number of feature columns.</summary>
    public int FeatureCount => _featureNames.Length;

    /// <summary>All feature values, row-major: <see cref="Count"/> × <see cref="FeatureCount"/>.</summary>
    public ReadOnlySpan<float> Features => _features;

    /// <summary>All labels, one per row.</summary>
    public ReadOnlySpan<float> Labels => _labels;

    /// <summary>The feature values of row <paramref name="index"/>.</summary>
    /// <param name="index">Zero-based row index (the first row after the header is 0).</param>
    /// <returns>A span of <see cref="FeatureCount"/> values.</returns>
    public ReadOnlySpan<float> Row(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)Count, nameof(index));
        return _features.AsSpan(index * FeatureCount, FeatureCount);
    }

    /// <summary>The label of row <paramref name="index"/>.</summary>
    /// <param name="index">Zero-based row index.</param>
    /// <returns>The label.</returns>
    public float Label(int index) => _labels[index];

    /// <summary>The labels as class indices, for the label-aware partitioners.</summary>
    /// <returns>One class index per row.</returns>
    /// <exception cref="FormatException">A label is not a whole number of 0 or more (a regression target, not a class).</exception>
    public int[] ClassLabels()
    {
        int[] classes = new int[_labels.Length];
        for (int i = 0; i < _labels.Length; i++)
        {
            float label = _labels[i];
            if (label < 0 || label != MathF.Floor(label) || label > int.MaxValue)
            {
                throw new CsvFormatException(
                    $"'{Source}': label {label.ToString(CultureInfo.InvariantCulture)} of row {i} in column '{LabelName}' is not a class index (a whole number of 0 or more).");
            }

            classes[i] = (int)label;
        }

        return classes;
    }

    /// <summary>Reads a CSV file.</summary>
    /// <param name="path">The file's path (UTF-8, with or without a byte-order mark).</param>
    /// <param name="labelColumn">The name of the label column, matched exactly.</param>
    /// <param name="delimiter">The field separator; a comma by default.</param>
    /// <returns>The table.</returns>
    /// <exception cref="CsvFormatException">A column is missing or duplicated, a row is ragged, or a value is not a number; the message names the line.</exception>
    public static CsvTable Load(string path, string labelColumn, char delimiter = ',')
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return Parse(reader, labelColumn, path, delimiter);
    }

    /// <summary>Reads CSV text.</summary>
    /// <param name="reader">The text, starting at the header row.</param>
    /// <param name="labelColumn">The name of the label column, matched exactly.</param>
    /// <param name="source">A name for the text in messages, e.g. its file path.</param>
    /// <param name="delimiter">The field separator; a comma by default.</param>
    /// <returns>The table.</returns>
    /// <exception cref="CsvFormatException">A column is missing or duplicated, a row is ragged, or a value is not a number; the message names the line.</exception>
    public static CsvTable Parse(TextReader reader, string labelColumn, string source, char delimiter = ',')
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentException.ThrowIfNullOrEmpty(labelColumn);
        ArgumentNullException.ThrowIfNull(source);
        if (delimiter is '"' or '\r' or '\n')
        {
            throw new ArgumentException($"'{delimiter}' cannot be a CSV delimiter.", nameof(delimiter));
        }

        int lineNumber = 0;
        string? line;
        List<string>? header = null;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            if (!string.IsNullOrWhiteSpace(line))
            {
                header = Split(line, delimiter, source, lineNumber);
                break;
            }
        }

        if (header is null)
        {
            throw new CsvFormatException($"'{source}' is empty: a CSV table needs a header row naming its columns.");
        }

        header = header.Select(h => h.Trim()).ToList();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string name in header)
        {
            if (name.Length == 0)
            {
                throw new CsvFormatException($"'{source}' line {lineNumber}: the header has an empty column name; every column needs a name.");
            }

            if (!seen.Add(name))
            {
                throw new CsvFormatException($"'{source}' line {lineNumber}: the header names column '{name}' twice; column names must be unique.");
            }
        }

        int labelIndex = header.IndexOf(labelColumn);
        if (labelIndex < 0)
        {
            throw new CsvFormatException(
                $"'{source}' has no column '{labelColumn}' to use as the label; its columns are: {string.Join(", ", header)}.");
        }

        string[] featureNames = header.Where((_, i) => i != labelIndex).ToArray();
        var features = new List<float>();
        var rawLabels = new List<string>();
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            List<string> fields = Split(line, delimiter, source, lineNumber);
            if (fields.Count != header.Count)
            {
                throw new CsvFormatException(
                    $"'{source}' line {lineNumber} has {fields.Count} fields but the header has {header.Count} columns; every row needs one value per column.");
            }

            for (int c = 0; c < fields.Count; c++)
            {
                if (c == labelIndex)
                {
                    rawLabels.Add(fields[c].Trim());
                    continue;
                }

                features.Add(ParseNumber(fields[c], source, lineNumber, header[c]));
            }
        }

        (float[] labels, string[] classNames) = ResolveLabels(rawLabels);
        return new CsvTable(source, featureNames, labelColumn, [.. features], labels, classNames);
    }

    private static (float[] Labels, string[] ClassNames) ResolveLabels(List<string> raw)
    {
        float[] labels = new float[raw.Count];
        bool numeric = true;
        for (int i = 0; i < raw.Count && numeric; i++)
        {
            numeric = float.TryParse(raw[i], NumberStyles.Float, CultureInfo.InvariantCulture, out labels[i]) && float.IsFinite(labels[i]);
        }

        if (numeric)
        {
            return (labels, []);
        }

        string[] classNames = raw.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var classIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int c = 0; c < classNames.Length; c++)
        {
            classIndex.Add(classNames[c], c);
        }

        for (int i = 0; i < raw.Count; i++)
        {
            labels[i] = classIndex[raw[i]];
        }

        return (labels, classNames);
    }

    private static float ParseNumber(string field, string source, int lineNumber, string column)
    {
        if (!float.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out float value))
        {
            string shown = field.Trim().Length == 0 ? "an empty value" : $"'{field}'";
            throw new CsvFormatException(
                $"'{source}' line {lineNumber}, column '{column}': {shown} is not a number. Feature columns must hold numbers (a dot as decimal separator); fix the value or drop the row or column.");
        }

        if (!float.IsFinite(value))
        {
            throw new CsvFormatException(
                $"'{source}' line {lineNumber}, column '{column}': '{field}' is not a finite number (or does not fit a 32-bit float). Fix the value or drop the row.");
        }

        return value;
    }

    private static List<string> Split(string line, char delimiter, string source, int lineNumber)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        int i = 0;
        while (true)
        {
            field.Clear();
            int start = i;
            while (i < line.Length && line[i] == ' ')
            {
                i++;
            }

            if (i < line.Length && line[i] == '"')
            {
                i++;
                while (true)
                {
                    if (i >= line.Length)
                    {
                        throw new CsvFormatException(
                            $"'{source}' line {lineNumber}: a quoted field opened at column {start + 1} is not closed on this line; quoted fields cannot span lines.");
                    }

                    if (line[i] == '"')
                    {
                        if (i + 1 < line.Length && line[i + 1] == '"')
                        {
                            field.Append('"');
                            i += 2;
                            continue;
                        }

                        i++;
                        break;
                    }

                    field.Append(line[i++]);
                }

                while (i < line.Length && line[i] == ' ')
                {
                    i++;
                }

                if (i < line.Length && line[i] != delimiter)
                {
                    throw new CsvFormatException(
                        $"'{source}' line {lineNumber}: unexpected text after the quoted field at column {start + 1}; a closing quote must be followed by '{delimiter}' or the end of the line.");
                }
            }
            else
            {
                i = start;
                while (i < line.Length && line[i] != delimiter)
                {
                    field.Append(line[i++]);
                }
            }

            fields.Add(field.ToString());
            if (i >= line.Length)
            {
                return fields;
            }

            i++;
        }
    }
}
