using System.Globalization;
using System.Text.RegularExpressions;

namespace Confer.Plan.Internal;

/// <summary>
/// A scalar as written. A plain (unquoted) scalar is resolved with the YAML 1.2 core schema
/// (null, booleans in three spellings, integers, floats); a quoted or block scalar is a string.
/// </summary>
internal sealed partial class PlanScalarNode : PlanNode
{
    public PlanScalarNode(SourceLocation location, string text, bool isPlain)
        : base(location)
    {
        Text = text;
        IsPlain = isPlain;
        Resolved = isPlain ? Resolve(text) : PlanValueKind.String;
    }

    public string Text { get; }

    public bool IsPlain { get; }

    /// <summary>The kind the scalar resolves to: Null, Boolean, Integer, Number (possibly not finite) or String.</summary>
    public PlanValueKind Resolved { get; }

    public override string KindName => Resolved switch
    {
        PlanValueKind.Null => "null",
        PlanValueKind.Boolean => $"the boolean {Text}",
        PlanValueKind.Integer => $"the whole number {Text}",
        PlanValueKind.Number => $"the number {Text}",
        _ => $"the string '{Text}'",
    };

    public bool IsNull => Resolved == PlanValueKind.Null;

    public bool BooleanValue => Text is "true" or "True" or "TRUE";

    public bool TryGetInteger(out long value)
    {
        value = 0;
        if (Resolved != PlanValueKind.Integer)
        {
            return false;
        }

        var text = Text.TrimStart('+');
        if (text.StartsWith("0x", StringComparison.Ordinal))
        {
            return long.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
        }

        if (text.StartsWith("0o", StringComparison.Ordinal))
        {
            try
            {
                value = Convert.ToInt64(text[2..], 8);
                return true;
            }
            catch (OverflowException)
            {
                return false;
            }
        }

        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }

    public double NumberValue
    {
        get
        {
            if (TryGetInteger(out var integer))
            {
                return integer;
            }

            var text = Text.TrimStart('+');
            return text.ToLowerInvariant() switch
            {
                ".inf" => double.PositiveInfinity,
                "-.inf" => double.NegativeInfinity,
                ".nan" => double.NaN,
                _ => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
            };
        }
    }

    private static PlanValueKind Resolve(string text)
    {
        if (text is "" or "~" or "null" or "Null" or "NULL")
        {
            return PlanValueKind.Null;
        }

        if (text is "true" or "True" or "TRUE" or "false" or "False" or "FALSE")
        {
            return PlanValueKind.Boolean;
        }

        if (IntegerPattern().IsMatch(text))
        {
            return PlanValueKind.Integer;
        }

        return FloatPattern().IsMatch(text) ? PlanValueKind.Number : PlanValueKind.String;
    }

    [GeneratedRegex(@"^([-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", RegexOptions.CultureInvariant)]
    private static partial Regex IntegerPattern();

    [GeneratedRegex(@"^([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))$", RegexOptions.CultureInvariant)]
    private static partial Regex FloatPattern();
}
