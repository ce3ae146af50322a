using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Confer.Workflow.Internal;

/// <summary>
/// System.Text.Json for data-shaped types only: primitives, strings, enums, collections and
/// dictionaries of such, records whose properties are such, and types registered explicitly.
/// Anything else (an arbitrary class, <see cref="object"/>, a delegate) is refused so that a
/// value is never serialized by accident.
/// </summary>
internal sealed class JsonAttributeCodec : AttributeCodec
{
    public const string CodecName = "json";

    private static readonly HashSet<Type> Scalars =
    [
        typeof(bool), typeof(byte), typeof(sbyte), typeof(short), typeof(ushort), typeof(int), typeof(uint),
        typeof(long), typeof(ulong), typeof(float), typeof(double), typeof(decimal), typeof(char), typeof(string),
        typeof(Guid), typeof(DateTime), typeof(DateTimeOffset), typeof(TimeSpan), typeof(DateOnly), typeof(TimeOnly),
        typeof(byte[]),
    ];

    private static readonly HashSet<Type> ListShapes =
    [
        typeof(List<>), typeof(IList<>), typeof(IReadOnlyList<>), typeof(ICollection<>), typeof(IReadOnlyCollection<>), typeof(IEnumerable<>),
    ];

    private static readonly HashSet<Type> DictionaryShapes =
    [
        typeof(Dictionary<,>), typeof(IDictionary<,>), typeof(IReadOnlyDictionary<,>), typeof(SortedDictionary<,>),
    ];

    private static readonly JsonSerializerOptions Options = new()
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
        WriteIndented = false,
    };

    private readonly ConcurrentDictionary<Type, bool> _verdicts = new();
    private readonly ConcurrentDictionary<Type, byte> _registered = new();

    public override string Name => CodecName;

    /// <summary>Allows a type that is not data-shaped by the rules above (its public properties still go through System.Text.Json).</summary>
    public void Register(Type type)
    {
        _registered.TryAdd(type, 0);
        _verdicts.Clear();
    }

    public override bool CanEncode(Type type) => _verdicts.GetOrAdd(type, t => IsDataShaped(t, new HashSet<Type>()));

    public override byte[] Encode(object value, Type type) => JsonSerializer.SerializeToUtf8Bytes(value, type, Options);

    public override object Decode(ReadOnlySpan<byte> bytes, Type type) =>
        JsonSerializer.Deserialize(bytes, type, Options) ?? throw new FlowException($"JSON value of type {type.Name} decoded to null.");

    public override string Describe(ReadOnlySpan<byte> bytes)
    {
        string text = Encoding.UTF8.GetString(bytes);
        return text.Length <= 200 ? text : string.Concat(text.AsSpan(0, 197), "...");
    }

    private bool IsDataShaped(Type type, HashSet<Type> visiting)
    {
        if (_registered.ContainsKey(type) || Scalars.Contains(type) || type.IsEnum)
        {
            return true;
        }

        if (!visiting.Add(type))
        {
            // A recursive record is data-shaped if the rest of it is; the cycle itself decides nothing.
            return true;
        }

        Type? underlying = Nullable.GetUnderlyingType(type);
        if (underlying is not null)
        {
            return IsDataShaped(underlying, visiting);
        }

        if (type.IsArray)
        {
            return type.GetArrayRank() == 1 && IsDataShaped(type.GetElementType()!, visiting);
        }

        if (type.IsGenericType)
        {
            Type definition = type.GetGenericTypeDefinition();
            Type[] arguments = type.GetGenericArguments();
            if (ListShapes.Contains(definition))
            {
                return IsDataShaped(arguments[0], visiting);
            }

            if (DictionaryShapes.Contains(definition))
            {
                return IsDictionaryKey(arguments[0]) && IsDataShaped(arguments[1], visiting);
            }
        }

        return IsRecord(type) && type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && p.GetMethod is not null)
            .All(p => IsDataShaped(p.PropertyType, visiting));
    }

    private static bool IsDictionaryKey(Type type) => type == typeof(string) || type == typeof(int) || type == typeof(long) || type.IsEnum;

    private static bool IsRecord(Type type) =>
        type.GetMethod("PrintMembers", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public, [typeof(StringBuilder)]) is { } printMembers
        && printMembers.IsDefined(typeof(CompilerGeneratedAttribute), inherit: false);
}
