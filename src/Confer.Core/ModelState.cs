using System.Collections;
using System.Security.Cryptography;
using System.Text;

namespace Confer.Core;

/// <summary>
/// An ordered set of named tensors: the weights and buffers of a model, an update, or an
/// optimizer's state. Names are unique; the order is the order given at construction and is
/// part of the state's identity (it fixes the wire order and the content hash).
/// </summary>
public sealed class ModelState : IReadOnlyList<NamedTensor>
{
    private readonly NamedTensor[] _tensors;
    private readonly Dictionary<string, int> _index;

    /// <summary>Creates a model state from tensors in their canonical order.</summary>
    /// <param name="tensors">The tensors; names must be unique.</param>
    /// <exception cref="ModelStateException">Two tensors share a name.</exception>
    public ModelState(IEnumerable<NamedTensor> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        _tensors = tensors.ToArray();
        _index = new Dictionary<string, int>(_tensors.Length, StringComparer.Ordinal);
        for (int i = 0; i < _tensors.Length; i++)
        {
            ArgumentNullException.ThrowIfNull(_tensors[i], nameof(tensors));
            if (!_index.TryAdd(_tensors[i].Name, i))
            {
                throw new ModelStateException(
                    $"Model state has two tensors named '{_tensors[i].Name}' (positions {_index[_tensors[i].Name]} and {i}); tensor names must be unique.");
            }
        }
    }

    /// <summary>An empty model state.</summary>
    public static ModelState Empty { get; } = new(Array.Empty<NamedTensor>());

    /// <summary>The number of tensors.</summary>
    public int Count => _tensors.Length;

    /// <summary>The total number of elements over all tensors.</summary>
    public long ElementCount => _tensors.Sum(t => t.ElementCount);

    /// <summary>The total size of all tensors' elements in bytes.</summary>
    public long ByteCount => _tensors.Sum(t => t.ByteCount);

    /// <summary>The tensor names in order.</summary>
    public IEnumerable<string> Names => _tensors.Select(t => t.Name);

    /// <summary>The tensor at position <paramref name="index"/>.</summary>
    /// <param name="index">Zero-based position.</param>
    public NamedTensor this[int index] => _tensors[index];

    /// <summary>The tensor named <paramref name="name"/>.</summary>
    /// <param name="name">The tensor name.</param>
    /// <exception cref="KeyNotFoundException">No tensor has that name.</exception>
    public NamedTensor this[string name] =>
        TryGet(name, out NamedTensor? tensor)
            ? tensor
            : throw new KeyNotFoundException($"Model state has no tensor named '{name}'. It has: {string.Join(", ", Names)}.");

    /// <summary>Looks up a tensor by name.</summary>
    /// <param name="name">The tensor name.</param>
    /// <param name="tensor">The tensor, when found.</param>
    /// <returns>Whether a tensor has that name.</returns>
    public bool TryGet(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out NamedTensor? tensor)
    {
        if (_index.TryGetValue(name, out int i))
        {
            tensor = _tensors[i];
            return true;
        }

        tensor = null;
        return false;
    }

    /// <summary>Whether a tensor has that name.</summary>
    /// <param name="name">The tensor name.</param>
    /// <returns><see langword="true"/> when present.</returns>
    public bool Contains(string name) => _index.ContainsKey(name);

    /// <summary>
    /// Finds the first difference in names, order, shapes or element types between this state
    /// and <paramref name="other"/>, or <see langword="null"/> when they are compatible.
    /// </summary>
    /// <param name="other">The state to compare with.</param>
    /// <returns>A sentence naming the first mismatch, or <see langword="null"/>.</returns>
    public string? FindFirstMismatch(ModelState other)
    {
        ArgumentNullException.ThrowIfNull(other);
        int common = Math.Min(Count, other.Count);
        for (int i = 0; i < common; i++)
        {
            NamedTensor expected = _tensors[i];
            NamedTensor actual = other._tensors[i];
            if (!string.Equals(expected.Name, actual.Name, StringComparison.Ordinal))
            {
                return $"tensor {i} is named '{actual.Name}' where '{expected.Name}' was expected";
            }

            if (expected.ElementType != actual.ElementType)
            {
                return $"tensor '{expected.Name}' has element type {actual.ElementType.DisplayName()} where {expected.ElementType.DisplayName()} was expected";
            }

            if (!expected.Shape.SequenceEqual(actual.Shape))
            {
                return $"tensor '{expected.Name}' has shape {actual.ShapeText} where {expected.ShapeText} was expected";
            }
        }

        if (other.Count > Count)
        {
            return $"tensor '{other._tensors[Count].Name}' is not expected (expected {Count} tensors, got {other.Count})";
        }

        if (other.Count < Count)
        {
            return $"tensor '{_tensors[other.Count].Name}' is missing (expected {Count} tensors, got {other.Count})";
        }

        return null;
    }

    /// <summary>Whether <paramref name="other"/> has the same names, order, shapes and element types.</summary>
    /// <param name="other">The state to compare with.</param>
    /// <returns><see langword="true"/> when compatible.</returns>
    public bool IsCompatibleWith(ModelState other) => FindFirstMismatch(other) is null;

    /// <summary>Throws when <paramref name="other"/> differs in names, order, shapes or element types.</summary>
    /// <param name="other">The state to check.</param>
    /// <param name="otherDescription">What <paramref name="other"/> is, for the message (e.g. "the update from Portland").</param>
    /// <exception cref="IncompatibleModelStateException">The first mismatch, named.</exception>
    public void EnsureCompatible(ModelState other, string otherDescription = "the other model state")
    {
        string? mismatch = FindFirstMismatch(other);
        if (mismatch is not null)
        {
            throw new IncompatibleModelStateException($"{otherDescription} does not match: {mismatch}.");
        }
    }

    /// <summary>Copies every tensor's bytes into <paramref name="target"/>, a state of the same layout (no allocation).</summary>
    /// <param name="target">The state to write into.</param>
    /// <exception cref="IncompatibleModelStateException"><paramref name="target"/>'s layout differs.</exception>
    public void CopyTo(ModelState target)
    {
        ArgumentNullException.ThrowIfNull(target);
        target.EnsureCompatible(this, "the state copied into it");
        for (int i = 0; i < _tensors.Length; i++)
        {
            _tensors[i].Bytes.CopyTo(target._tensors[i].GetBuffer());
        }
    }

    /// <summary>A deep copy: every tensor gets its own buffer.</summary>
    /// <returns>The copy.</returns>
    public ModelState Clone() => new(_tensors.Select(t => t.Clone()));

    /// <summary>A zero-filled state with this state's names, shapes and element types.</summary>
    /// <returns>The new state.</returns>
    public ModelState ZerosLike() => new(_tensors.Select(t => t.ZerosLike()));

    /// <summary>
    /// SHA-256 over the canonical encoding: for each tensor in order, its UTF-8 name (length-prefixed),
    /// element type, rank, dimensions and bytes. Independent of protobuf field order and metadata.
    /// </summary>
    /// <returns>The hash as 64 lower-case hexadecimal characters.</returns>
    public string ComputeHash()
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> scratch = stackalloc byte[8];
        WriteInt64(sha, scratch, _tensors.Length);
        foreach (NamedTensor tensor in _tensors)
        {
            byte[] name = Encoding.UTF8.GetBytes(tensor.Name);
            WriteInt64(sha, scratch, name.Length);
            sha.AppendData(name);
            WriteInt64(sha, scratch, (long)tensor.ElementType);
            WriteInt64(sha, scratch, tensor.Shape.Length);
            foreach (long d in tensor.Shape)
            {
                WriteInt64(sha, scratch, d);
            }

            WriteInt64(sha, scratch, tensor.ByteCount);
            sha.AppendData(tensor.Bytes);
        }

        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    /// <inheritdoc/>
    public IEnumerator<NamedTensor> GetEnumerator() => ((IEnumerable<NamedTensor>)_tensors).GetEnumerator();

    /// <inheritdoc/>
    IEnumerator IEnumerable.GetEnumerator() => _tensors.GetEnumerator();

    private static void WriteInt64(IncrementalHash sha, Span<byte> scratch, long value)
    {
        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(scratch, value);
        sha.AppendData(scratch);
    }
}
