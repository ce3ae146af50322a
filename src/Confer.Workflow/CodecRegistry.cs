using System.Collections.Concurrent;
using Confer.Workflow.Internal;

namespace Confer.Workflow;

/// <summary>
/// The explicit list of codecs a runtime may use. <see cref="CreateDefault"/> knows primitives,
/// strings, enums, collections and dictionaries of those, records made of those (System.Text.Json)
/// and <see cref="Confer.Core.ModelState"/> (protobuf). Anything else needs a codec added here, or
/// must be excluded from the <c>Next</c> that would carry it, or made <see cref="PrivateAttribute">[Private]</see>.
/// </summary>
public sealed class CodecRegistry
{
    private readonly List<AttributeCodec> _codecs = [];
    private readonly ConcurrentDictionary<Type, AttributeCodec?> _byType = new();
    private readonly JsonAttributeCodec _json = new();

    /// <summary>Creates a registry with no codecs at all.</summary>
    public CodecRegistry()
    {
    }

    /// <summary>A new registry with the built-in codecs: JSON for data-shaped types and protobuf for model states.</summary>
    /// <returns>The registry; add your own codecs to it.</returns>
    public static CodecRegistry CreateDefault()
    {
        var registry = new CodecRegistry();
        registry.Add(registry._json);
        registry.Add(new ModelStateCodec());
        return registry;
    }

    /// <summary>The registered codecs, in the order they are consulted (latest first).</summary>
    public IReadOnlyList<AttributeCodec> Codecs
    {
        get
        {
            lock (_codecs)
            {
                return _codecs.AsEnumerable().Reverse().ToArray();
            }
        }
    }

    /// <summary>Adds a codec; a codec added later wins over earlier ones for the types both handle.</summary>
    /// <param name="codec">The codec. Its name must be unique in the registry.</param>
    /// <returns>This registry.</returns>
    public CodecRegistry Add(AttributeCodec codec)
    {
        ArgumentNullException.ThrowIfNull(codec);
        AttributeCodec actual = codec;
        lock (_codecs)
        {
            if (_codecs.Any(c => string.Equals(c.Name, actual.Name, StringComparison.Ordinal)))
            {
                throw new ArgumentException($"A codec named '{actual.Name}' is already registered.", nameof(codec));
            }

            _codecs.Add(actual);
            _byType.Clear();
        }

        return this;
    }

    /// <summary>
    /// Lets values of <typeparamref name="T"/> (a class that is not a record) go through System.Text.Json,
    /// which reads and writes its public properties.
    /// </summary>
    /// <typeparam name="T">The type.</typeparam>
    /// <returns>This registry.</returns>
    public CodecRegistry AddJson<T>()
    {
        lock (_codecs)
        {
            if (!_codecs.Contains(_json))
            {
                _codecs.Add(_json);
            }

            _json.Register(typeof(T));
            _byType.Clear();
        }

        return this;
    }

    /// <summary>The codec for attributes declared with <paramref name="type"/>, or <see langword="null"/>.</summary>
    /// <param name="type">The declared type.</param>
    /// <returns>The codec, or <see langword="null"/> when none handles the type.</returns>
    public AttributeCodec? Find(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return _byType.GetOrAdd(type, t =>
        {
            lock (_codecs)
            {
                for (int i = _codecs.Count - 1; i >= 0; i--)
                {
                    if (_codecs[i].CanEncode(t))
                    {
                        return _codecs[i];
                    }
                }

                return null;
            }
        });
    }

    /// <summary>The codec registered under <paramref name="name"/>.</summary>
    /// <param name="name">The codec name stored with an encoded value.</param>
    /// <returns>The codec.</returns>
    /// <exception cref="KeyNotFoundException">No codec has that name.</exception>
    public AttributeCodec GetByName(string name)
    {
        lock (_codecs)
        {
            return _codecs.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.Ordinal))
                ?? throw new KeyNotFoundException($"No codec named '{name}' is registered (registered: {string.Join(", ", _codecs.Select(c => c.Name))}).");
        }
    }
}
