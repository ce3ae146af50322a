namespace Confer.Workflow;

/// <summary>The attributes a task carried forward, by name. Values decode only into a type the caller names, through a registered codec.</summary>
public sealed class TaskData
{
    private readonly RunStore _store;
    private readonly Dictionary<string, TaskArtifact> _byName;

    internal TaskData(RunStore store, IReadOnlyList<TaskArtifact> artifacts)
    {
        _store = store;
        Artifacts = artifacts;
        _byName = artifacts.ToDictionary(a => a.Name, StringComparer.Ordinal);
    }

    /// <summary>Every recorded attribute in declaration order.</summary>
    public IReadOnlyList<TaskArtifact> Artifacts { get; }

    /// <summary>The attribute names.</summary>
    public IEnumerable<string> Names => Artifacts.Select(a => a.Name);

    /// <summary>A recorded attribute by name.</summary>
    /// <param name="name">The attribute name.</param>
    /// <exception cref="KeyNotFoundException">The task did not carry that attribute.</exception>
    public TaskArtifact this[string name] =>
        _byName.TryGetValue(name, out TaskArtifact? artifact)
            ? artifact
            : throw new KeyNotFoundException($"The task carried no attribute '{name}' (it carried: {string.Join(", ", Names)}).");

    /// <summary>Whether the task carried an attribute.</summary>
    /// <param name="name">The attribute name.</param>
    /// <returns><see langword="true"/> when recorded.</returns>
    public bool Contains(string name) => _byName.ContainsKey(name);

    /// <summary>Decodes an attribute into <typeparamref name="T"/> with the store's codecs.</summary>
    /// <typeparam name="T">The attribute's type.</typeparam>
    /// <param name="name">The attribute name.</param>
    /// <returns>The value (a new object).</returns>
    public T? Get<T>(string name) => this[name].Decode<T>(_store.Codecs);
}
