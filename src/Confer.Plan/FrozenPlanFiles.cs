namespace Confer.Plan;

/// <summary>What <see cref="PlanFreezer.Freeze"/> wrote.</summary>
/// <param name="PlanPath">The full path of the frozen plan (the canonical YAML).</param>
/// <param name="HashPath">The full path of the hash file beside it.</param>
/// <param name="Hash">The federation id (lowercase hex SHA-384).</param>
public sealed record FrozenPlanFiles(string PlanPath, string HashPath, string Hash);
