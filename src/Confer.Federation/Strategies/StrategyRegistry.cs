namespace Confer.Federation.Strategies;

/// <summary>
/// The built-in strategies by name, for plans and the command line: an explicit table, not
/// reflection. Names are case-insensitive: <c>fedavg</c>, <c>fedavgm</c>, <c>fedprox</c>,
/// <c>fedadam</c>, <c>fedyogi</c>, <c>fedadagrad</c>, <c>fedmedian</c>, <c>fedtrimmedavg</c>, <c>krum</c>.
/// </summary>
public static class StrategyRegistry
{
    private static readonly Dictionary<string, Entry> Entries = new(StringComparer.OrdinalIgnoreCase)
    {
        ["fedavg"] = new([], _ => new FedAvg()),
        ["fedavgm"] = new(["server_learning_rate", "server_momentum"], o => new FedAvgM
        {
            ServerLearningRate = o.GetDouble("server_learning_rate", 1.0),
            ServerMomentum = o.GetDouble("server_momentum", 0.0),
        }),
        ["fedprox"] = new(["proximal_mu"], o => new FedProx { ProximalMu = o.ContainsKey("proximal_mu") ? o.GetDouble("proximal_mu", 0) : throw new ArgumentException("FedProx needs proximal_mu (the weight of the proximal term, e.g. 0.1), as in Flower.") }),
        ["fedadam"] = new(["eta", "beta_1", "beta_2", "tau"], o => new FedAdam
        {
            Eta = o.GetDouble("eta", 0.1),
            Beta1 = o.GetDouble("beta_1", 0.9),
            Beta2 = o.GetDouble("beta_2", 0.99),
            Tau = o.GetDouble("tau", 1e-9),
        }),
        ["fedyogi"] = new(["eta", "beta_1", "beta_2", "tau"], o => new FedYogi
        {
            Eta = o.GetDouble("eta", 0.01),
            Beta1 = o.GetDouble("beta_1", 0.9),
            Beta2 = o.GetDouble("beta_2", 0.99),
            Tau = o.GetDouble("tau", 1e-3),
        }),
        ["fedadagrad"] = new(["eta", "beta_1", "tau"], o => new FedAdagrad
        {
            Eta = o.GetDouble("eta", 0.1),
            Beta1 = o.GetDouble("beta_1", 0.0),
            Tau = o.GetDouble("tau", 1e-9),
        }),
        ["fedmedian"] = new([], _ => new FedMedian()),
        ["fedtrimmedavg"] = new(["beta"], o => new FedTrimmedAvg { Beta = o.GetDouble("beta", 0.2) }),
        ["krum"] = new(["num_malicious_clients", "num_clients_to_keep"], o => new Krum
        {
            NumMaliciousClients = checked((int)o.GetInt64("num_malicious_clients", 0)),
            NumClientsToKeep = checked((int)o.GetInt64("num_clients_to_keep", 0)),
        }),
    };

    /// <summary>The registered names, lower case.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. Entries.Keys.Order(StringComparer.Ordinal)];

    /// <summary>The strategy-specific knobs <paramref name="name"/> accepts in <see cref="StrategySettings.Options"/>.</summary>
    /// <param name="name">A registered name.</param>
    /// <returns>The knob names.</returns>
    /// <exception cref="ArgumentException">The name is not registered.</exception>
    public static IReadOnlyList<string> OptionsOf(string name) => Find(name).Options;

    /// <summary>Creates a strategy by name.</summary>
    /// <param name="name">A registered name, e.g. <c>fedavg</c>.</param>
    /// <param name="settings">The knobs; <see langword="null"/> for the defaults.</param>
    /// <returns>The strategy.</returns>
    /// <exception cref="ArgumentException">The name is not registered, or an option is not one the strategy has.</exception>
    public static FederatedStrategy Create(string name, StrategySettings? settings = null)
    {
        Entry entry = Find(name);
        settings ??= new StrategySettings();
        foreach (string key in settings.Options.Keys)
        {
            if (!entry.Options.Contains(key, StringComparer.Ordinal))
            {
                throw new ArgumentException(
                    entry.Options.Length == 0
                        ? $"Strategy '{name}' has no option '{key}'; it takes only the common knobs."
                        : $"Strategy '{name}' has no option '{key}'; its options are: {string.Join(", ", entry.Options)}.",
                    nameof(settings));
            }
        }

        FederatedStrategy strategy = entry.Create(settings.Options);
        strategy.Apply(settings);
        return strategy;
    }

    private static Entry Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Entries.TryGetValue(name, out Entry? entry)
            ? entry
            : throw new ArgumentException($"No strategy is named '{name}'. Choose one of: {string.Join(", ", Names)}.", nameof(name));
    }

    private sealed record Entry(string[] Options, Func<ConfigRecord, FederatedStrategy> Create);
}
