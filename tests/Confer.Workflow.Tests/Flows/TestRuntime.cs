using Microsoft.Extensions.Time.Testing;

namespace Confer.Workflow.Tests.Flows;

/// <summary>Builds runtimes for tests: named collaborators with a private secret and data each.</summary>
internal static class TestRuntime
{
    public static readonly string[] Names = ["Seattle", "Portland", "Chandler", "Bangalore"];

    public static string SecretOf(string name) => $"SECRET-MARKER-{name}-7f3a";

    public static double[] DataOf(string name) => [.. Enumerable.Range(0, 8).Select(i => ((name.Length * 31) + (i * 7)) % 13 / 13.0)];

    public static LocalRuntime Create(
        string store,
        LocalRuntimeBackend backend = LocalRuntimeBackend.Sequential,
        IEnumerable<string>? names = null,
        Action<LocalRuntimeOptions>? configure = null,
        TimeProvider? time = null,
        bool privates = true)
    {
        var aggregator = new Aggregator();
        if (privates)
        {
            aggregator.PrivateAttributes["Secret"] = "SECRET-MARKER-aggregator-7f3a";
        }

        var collaborators = (names ?? Names).Select(n =>
        {
            var c = new Collaborator(n);
            if (privates)
            {
                c.PrivateAttributes["Secret"] = SecretOf(n);
                c.PrivateAttributes["LocalData"] = DataOf(n);
            }

            return c;
        });
        var options = new LocalRuntimeOptions
        {
            RunStoreDirectory = store,
            MaxParallelism = 4,
            EchoTaskOutput = false,
            TimeProvider = time ?? new FakeTimeProvider(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero)),
        };
        configure?.Invoke(options);
        return new LocalRuntime(aggregator, collaborators, backend, options);
    }
}
