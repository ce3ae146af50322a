using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Confer.Plan.Internal;

/// <summary>
/// Writes a <see cref="PlanValue"/> tree as the canonical YAML described in docs/plan.md: block
/// style, two-space indentation, map keys in ordinal order, every string double-quoted, numbers
/// in one spelling, LF line ends, no comments, a final newline. The same tree always gives the
/// same bytes, which is what makes the plan's hash a federation id.
/// </summary>
internal static partial class CanonicalYamlWriter
{
    public static string Write(PlanValue root, IReadOnlyList<string>? rootKeyOrder = null)
    {
        var builder = new StringBuilder();
        WriteMap(builder, root.AsMap(), 0, rootKeyOrder);
        return builder.ToString();
    }

    public static string FormatScalar(PlanValue value) => value.Kind switch
    {
        PlanValueKind.Null => "null",
        PlanValueKind.Boolean => value.AsBoolean() ? "true" : "false",
        PlanValueKind.Integer => value.AsInteger().ToString(CultureInfo.InvariantCulture),
        PlanValueKind.Number => FormatNumber(value.AsNumber()),
        PlanValueKind.String => Quote(value.AsString()),
        _ => throw new ArgumentException("Not a scalar.", nameof(value)),
    };

    /// <summary>
    /// A whole value below 10^15 as <c>3.0</c>; anything else in the shortest round-trip form with
    /// a decimal point in the mantissa (<c>1.0E-09</c>), so that YAML 1.1 readers also see a float.
    /// </summary>
    public static string FormatNumber(double value)
    {
        if (value == Math.Floor(value) && Math.Abs(value) < 1e15)
        {
            return value.ToString("0.0", CultureInfo.InvariantCulture);
        }

        var text = value.ToString("R", CultureInfo.InvariantCulture);
        var exponent = text.IndexOf('E', StringComparison.Ordinal);
        return exponent >= 0 && !text.AsSpan(0, exponent).Contains('.') ? string.Concat(text.AsSpan(0, exponent), ".0", text.AsSpan(exponent)) : text;
    }

    public static string FormatKey(string key) =>
        PlainKey().IsMatch(key) && !IsReservedWord(key) ? key : Quote(key);

    private static void WriteMap(StringBuilder builder, IReadOnlyDictionary<string, PlanValue> map, int indent, IReadOnlyList<string>? keyOrder)
    {
        var keys = keyOrder is null
            ? map.Keys.Order(StringComparer.Ordinal)
            : keyOrder.Where(map.ContainsKey).Concat(map.Keys.Where(k => !keyOrder.Contains(k)).Order(StringComparer.Ordinal));
        foreach (var key in keys)
        {
            builder.Append(' ', indent).Append(FormatKey(key)).Append(':');
            WriteNested(builder, map[key], indent);
        }
    }

    // Writes what follows "key:" or "-": an inline scalar or empty collection, or a block on the next lines.
    private static void WriteNested(StringBuilder builder, PlanValue value, int indent)
    {
        switch (value.Kind)
        {
            case PlanValueKind.Map when value.AsMap().Count > 0:
                builder.Append('\n');
                WriteMap(builder, value.AsMap(), indent + 2, null);
                break;
            case PlanValueKind.List when value.AsList().Length > 0:
                builder.Append('\n');
                WriteList(builder, value, indent + 2);
                break;
            case PlanValueKind.Map:
                builder.Append(" {}\n");
                break;
            case PlanValueKind.List:
                builder.Append(" []\n");
                break;
            default:
                builder.Append(' ').Append(FormatScalar(value)).Append('\n');
                break;
        }
    }

    private static void WriteList(StringBuilder builder, PlanValue list, int indent)
    {
        foreach (var item in list.AsList())
        {
            if (item.Kind == PlanValueKind.Map && item.AsMap().Count > 0)
            {
                // The item's first key shares the "- " line; the rest align under it.
                var nested = new StringBuilder();
                WriteMap(nested, item.AsMap(), indent + 2, null);
                builder.Append(' ', indent).Append("- ").Append(nested.ToString(indent + 2, nested.Length - indent - 2));
            }
            else
            {
                builder.Append(' ', indent).Append('-');
                WriteNested(builder, item, indent);
            }
        }
    }

    private static string Quote(string text)
    {
        var builder = new StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '"':
                    builder.Append("\\\"");
                    break;
                case '\\':
                    builder.Append("\\\\");
                    break;
                case '\n':
                    builder.Append("\\n");
                    break;
                case '\t':
                    builder.Append("\\t");
                    break;
                case '\r':
                    builder.Append("\\r");
                    break;
                default:
                    if (char.IsControl(c) || c is '\u2028' or '\u2029' or '\ufeff')
                    {
                        builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        return builder.Append('"').ToString();
    }

    private static bool IsReservedWord(string key) =>
        key.ToLowerInvariant() is "true" or "false" or "null" or "yes" or "no" or "on" or "off" or "y" or "n";

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex PlainKey();
}
