using System.Collections;
using System.Globalization;

namespace Confer.Federation.Grid.Internal;

/// <summary>
/// The ids "0", "1", ... "n-1", made on demand so that a simulation of a million virtual clients
/// holds no list of a million strings.
/// </summary>
internal sealed class NumberedNodeIds(int count) : IReadOnlyList<string>
{
    public int Count { get; } = count;

    public string this[int index] =>
        (uint)index < (uint)Count
            ? index.ToString(CultureInfo.InvariantCulture)
            : throw new ArgumentOutOfRangeException(nameof(index), index, $"There are {Count} clients.");

    public bool TryGetIndex(string id, out int index) =>
        int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out index)
        && index < Count
        && string.Equals(this[index], id, StringComparison.Ordinal);

    public IEnumerator<string> GetEnumerator()
    {
        for (int i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
