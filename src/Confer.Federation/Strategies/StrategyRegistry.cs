using System.Diagnostics.CodeAnalysis;
using Confer.Core.Aggregation;
using Confer.Plan;

namespace Confer.Federation.Strategies;

/// <summary>
/// The strategies by name: one table for plans (<c>strategy.template</c>), <c>confer simulate
/// --strategy</c> and code, so every strategy that runs in simulation also drives a real
/// federation. An explicit list, never reflection; a host adds its own strategies with
/// <see cref="Register(StrategyRegistration)"/>. Names and aliases ignore case. As an <see cref="IPlanTypeExporter"/> it
/// gives a plan registry its strategies and their settings schemas.
/// </summary>
public sealed class StrategyRegistry : IPlanTypeExporter
{
    private const string MinCompletionRateFitKey = "min_completion_rate_fit";
    private const string MinCompletionRateEvaluateKey = "min_completion_rate_evaluate";
    private readonly Dictionary<string, StrategyRegistration> _byName = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<StrategyRegistration> _registrations = [];
    private bool _frozen;

    private StrategyRegistry()
    {
    }

    /// <summary>The built-in strategies, shared and read-only; <see cref="CreateDefault"/> makes one to add to.</summary>
    public static StrategyRegistry Default { get; } = Freeze(BuiltIn(new StrategyRegistry()));

    /// <summary>The registered names of <see cref="Default"/>'s strategies (not their aliases), in registration order.</summary>
    public static IReadOnlyList<string> Names => [.. Default._registrations.Select(r => r.Name)];

    /// <summary>The registered strategies, in registration order.</summary>
    public IReadOnlyList<StrategyRegistration> Registrations => _registrations;

    /// <summary>A registry with the built-in strategies, to which a host may add its own.</summary>
    /// <returns>The registry.</returns>
    public static StrategyRegistry CreateDefault() => BuiltIn(new StrategyRegistry());

    /// <summary>Adds a strategy.</summary>
    /// <param name="registration">The strategy.</param>
    /// <returns>This registry.</returns>
    /// <exception cref="ArgumentException">Its name or an alias is taken.</exception>
    /// <exception cref="InvalidOperationException">This is the shared <see cref="Default"/>.</exception>
    public StrategyRegistry Register(StrategyRegistration registration)
    {
        ArgumentNullException.ThrowIfNull(registration);
        if (_frozen)
        {
            throw new InvalidOperationException("StrategyRegistry.Default is shared by every host; register your strategies in your own registry from StrategyRegistry.CreateDefault().");
        }

        string[] names = [registration.Name, .. registration.Aliases];
        foreach (string name in names)
        {
            if (_byName.TryGetValue(name, out StrategyRegistration? existing))
            {
                throw new ArgumentException($"The strategy name '{name}' is already registered (by '{existing.Name}').", nameof(registration));
            }
        }

        foreach (string name in names)
        {
            _byName[name] = registration;
        }

        _registrations.Add(registration);
        return this;
    }

    /// <summary>Finds a strategy by name or alias.</summary>
    /// <param name="name">The name.</param>
    /// <param name="registration">The strategy, when found.</param>
    /// <returns>Whether it is registered.</returns>
    public bool TryGet(string name, [NotNullWhen(true)] out StrategyRegistration? registration) => _byName.TryGetValue(name, out registration);

    /// <summary>A strategy by name or alias.</summary>
    /// <param name="name">The name.</param>
    /// <returns>The registration.</returns>
    /// <exception cref="ArgumentException">No strategy has that name; the message lists them.</exception>
    public StrategyRegistration Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return TryGet(name, out StrategyRegistration? registration)
            ? registration
            : throw new ArgumentException($"No strategy is named '{name}'. Choose one of: {string.Join(", ", _registrations.Select(r => r.Name))}.", nameof(name));
    }

    /// <summary>Makes a strategy by name, with the common knobs of <see cref="FederatedStrategy"/> and its own options.</summary>
    /// <param name="name">A registered name, e.g. <c>fedavg</c>.</param>
    /// <param name="settings">The knobs; <see langword="null"/> for the defaults.</param>
    /// <returns>The strategy.</returns>
    /// <exception cref="ArgumentException">The name is not registered, or an option is not one the strategy has.</exception>
    public IStrategy Create(string name, StrategySettings? settings = null)
    {
        StrategyRegistration registration = Get(name);
        settings ??= new StrategySettings();
        foreach (string key in settings.Options.Keys)
        {
            if (!registration.Settings.TryGetSetting(key, out _))
            {
                string[] own = [.. registration.Settings.Settings.Select(s => s.Key)];
                throw new ArgumentException(
                    own.Length == 0
                        ? $"Strategy '{name}' has no option '{key}'; it takes only the common knobs."
                        : $"Strategy '{name}' has no option '{key}'; its options are: {string.Join(", ", own)}.",
                    nameof(settings));
            }
        }

        IStrategy strategy = registration.Create(settings.Options);
        if (strategy is FederatedStrategy federated)
        {
            federated.Apply(settings);
        }

        return strategy;
    }

    /// <summary>
    /// Makes the strategy a plan names, for a plan's task groups to drive (<see cref="Plans.PlanStrategy"/>):
    /// the plan's assigner chooses the collaborators, so the strategy takes every collaborator it is
    /// given and needs none in particular.
    /// </summary>
    /// <param name="component">The plan's <c>strategy</c> section, validated against this registry's schemas.</param>
    /// <returns>The strategy.</returns>
    /// <exception cref="ArgumentException">The plan names a strategy this registry does not have.</exception>
    public IStrategy Create(PlanComponent component)
    {
        ArgumentNullException.ThrowIfNull(component);
        var options = new ConfigRecord(component.Settings.Select(s => KeyValuePair.Create(s.Key, ToConfigValue(s.Key, s.Value))));
        IStrategy strategy = Get(component.Name).Create(options);
        if (strategy is FederatedStrategy federated)
        {
            federated.Apply(new StrategySettings { FractionFit = 1, FractionEvaluate = 0, MinFitClients = 1, MinEvaluateClients = 0, MinAvailableClients = 1 });
        }

        return strategy;
    }

    /// <inheritdoc/>
    public void Register(PlanTypeRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        foreach (StrategyRegistration strategy in _registrations)
        {
            registry.Register(ToPlanRegistration(strategy));
        }
    }

    /// <summary>How a plan sees <paramref name="strategy"/>: its names, settings and client settings.</summary>
    /// <param name="strategy">The strategy.</param>
    /// <returns>The plan registration.</returns>
    internal static PlanTypeRegistration ToPlanRegistration(StrategyRegistration strategy) => new()
    {
        Kind = PlanComponentKind.Strategy,
        Name = strategy.Name,
        Aliases = strategy.Aliases,
        // A plan's validation tasks run in its training phase, so no evaluation phase's close policy applies.
        Settings = new SettingsSchema(strategy.Settings.Settings.Where(s => s.Key != MinCompletionRateEvaluateKey)),
        ClientSettings = strategy.ClientSettings,
        HoldsEveryUpdate = strategy.HoldsEveryUpdate,
        Description = strategy.Description,
    };

    private static StrategyRegistry Freeze(StrategyRegistry registry)
    {
        registry._frozen = true;
        return registry;
    }

    private static ConfigValue ToConfigValue(string key, PlanValue value) => value.Kind switch
    {
        PlanValueKind.Boolean => value.AsBoolean(),
        PlanValueKind.Integer => value.AsInteger(),
        PlanValueKind.Number => value.AsNumber(),
        PlanValueKind.String => value.AsString(),
        PlanValueKind.List => ConfigValue.FromList(value.AsStringList()),
        _ => throw new ArgumentException($"The strategy setting '{key}' is a {value.Kind}, which a strategy cannot take.", nameof(value)),
    };

    private static StrategyRegistry BuiltIn(StrategyRegistry registry)
    {
        static SettingDefinition Eta(double value) => SettingDefinition.Number("eta", value, 0, null, minimumExclusive: true, description: "Server learning rate.");
        static SettingDefinition Beta1(double value) => SettingDefinition.Number("beta_1", value, 0, 1, maximumExclusive: true, description: "Momentum decay, in [0, 1).");
        static SettingDefinition Beta2(double value) => SettingDefinition.Number("beta_2", value, 0, 1, maximumExclusive: true, description: "Second-moment decay, in [0, 1).");
        static SettingDefinition Tau(double value) => SettingDefinition.Number("tau", value, 0, null, minimumExclusive: true, description: "Adaptivity, > 0.");
        SettingDefinition start = SettingDefinition.Enum("second_moment_start", ["zero", "tau_squared"], "zero", "Where the second moment starts: zero, as Flower's; tau_squared, as the paper's Algorithm 2.");
        SettingDefinition malicious = SettingDefinition.Integer("num_malicious_clients", 0, 0, description: "The number f of Byzantine collaborators tolerated.");
        static SettingDefinition[] Common(double minCompletionRate) =>
        [
            SettingDefinition.Boolean("accept_failures", true, "Whether a round with failed tasks is aggregated."),
            SettingDefinition.Number(MinCompletionRateFitKey, minCompletionRate, 0, 1, description: "The least share of training tasks that must give a result; below it the round keeps the model."),
            SettingDefinition.Number(MinCompletionRateEvaluateKey, minCompletionRate, 0, 1, description: "The least share of evaluation tasks that must give a result."),
        ];

        void Add(string name, string description, SettingDefinition[] own, Func<ConfigRecord, FederatedStrategy> create, bool holdsEveryUpdate = false, string[]? clientSettings = null, double minCompletionRate = 0, params string[] aliases) =>
            registry.Register(new StrategyRegistration
            {
                Name = name,
                Aliases = [.. aliases],
                Settings = new SettingsSchema([.. Common(minCompletionRate), .. own]),
                Create = o =>
                {
                    FederatedStrategy strategy = create(o);
                    strategy.Apply(new StrategySettings
                    {
                        AcceptFailures = o.TryGetValue("accept_failures", out ConfigValue accept) ? accept.ToBoolean() : null,
                        MinCompletionRateFit = o.TryGetValue(MinCompletionRateFitKey, out ConfigValue fit) ? fit.ToDouble() : null,
                        MinCompletionRateEvaluate = o.TryGetValue(MinCompletionRateEvaluateKey, out ConfigValue evaluate) ? evaluate.ToDouble() : null,
                    });
                    return strategy;
                },
                HoldsEveryUpdate = holdsEveryUpdate,
                ClientSettings = [.. clientSettings ?? []],
                Description = description,
            });

        static SecondMomentStart Start(ConfigRecord o) => o.GetString("second_moment_start", "zero") switch
        {
            "zero" => SecondMomentStart.Zero,
            "tau_squared" => SecondMomentStart.TauSquared,
            string other => throw new ArgumentException($"second_moment_start is '{other}'; it is zero (Flower's) or tau_squared (the paper's).", nameof(o)),
        };

        Add("fedavg", "Example-weighted mean (McMahan et al., 2017).", [], _ => new FedAvg(), aliases: ["FedAvg", "WeightedAverage", "openfl.interface.aggregation_functions.WeightedAverage", "openfl.component.aggregation_functions.WeightedAverage"]);
        Add("fault_tolerant_fedavg", "FedAvg that keeps the model when fewer than half of a round's tasks give a result (Flower's FaultTolerantFedAvg).", [], _ => new FedAvg { MinCompletionRateFit = 0.5, MinCompletionRateEvaluate = 0.5 }, minCompletionRate: 0.5, aliases: ["FaultTolerantFedAvg"]);
        Add("fedavgm", "Weighted mean with server momentum (Hsu et al., 2019).",
        [
            SettingDefinition.Number("server_learning_rate", 1.0, 0, null, minimumExclusive: true, description: "Server learning rate."),
            SettingDefinition.Number("server_momentum", 0.0, 0, 1, maximumExclusive: true, description: "Server momentum, in [0, 1)."),
        ], o => new FedAvgM { ServerLearningRate = o.GetDouble("server_learning_rate", 1.0), ServerMomentum = o.GetDouble("server_momentum", 0.0) });
        Add("fedprox", "Weighted mean; every node adds the proximal term mu/2 · ||w − w_global||² to its loss (Li et al., 2020).",
        [
            SettingDefinition.Number("proximal_mu", null, 0, description: "Weight of the proximal term, >= 0; sent to every node, which applies it."),
        ], o => new FedProx { ProximalMu = o.ContainsKey("proximal_mu") ? o.GetDouble("proximal_mu", 0) : throw new ArgumentException("FedProx needs proximal_mu (the weight of the proximal term, e.g. 0.1), as in Flower.", nameof(o)) },
        clientSettings: [FedProx.ProximalMuKey]);
        Add("fedcurv", "Weighted mean, FedCurv's Fisher tensors (p_u, p_v, p_w) summed; every node adds importance · Σ(θ²·(U−u) − 2θ·(V−v) + (W−w)) to its loss and sends its new Fisher terms (Shoham et al., 2019).", [SettingDefinition.Number(FedCurv.ImportanceKey, null, 0, description: "The penalty's weight lambda, >= 0; sent to every node, which applies it.")], o => new FedCurv { Importance = o.ContainsKey(FedCurv.ImportanceKey) ? o.GetDouble(FedCurv.ImportanceKey, 0) : throw new ArgumentException("FedCurv needs importance (the weight lambda of its penalty, e.g. 0.01), as OpenFL's FedCurv does.", nameof(o)) }, clientSettings: [FedCurv.ImportanceKey], aliases: ["FedCurvWeightedAverage", "openfl.interface.aggregation_functions.FedCurvWeightedAverage", "openfl.component.aggregation_functions.FedCurvWeightedAverage"]);
        Add("fedadam", "Server-side Adam on the mean update, with Flower's bias correction (Reddi et al., 2021).",
        [Eta(0.1), Beta1(0.9), Beta2(0.99), Tau(1e-9), start, SettingDefinition.Boolean("bias_correction", true, "Whether eta is bias-corrected each round, as Flower's FedAdam since 1.13.")],
        o => new FedAdam { Eta = o.GetDouble("eta", 0.1), Beta1 = o.GetDouble("beta_1", 0.9), Beta2 = o.GetDouble("beta_2", 0.99), Tau = o.GetDouble("tau", 1e-9), SecondMomentStart = Start(o), BiasCorrection = o.GetBoolean("bias_correction", true) }, aliases: ["AdamAdaptiveAggregation", "openfl.interface.aggregation_functions.AdamAdaptiveAggregation", "openfl.component.aggregation_functions.AdamAdaptiveAggregation"]);
        Add("fedyogi", "Server-side Yogi on the mean update (Reddi et al., 2021).", [Eta(0.01), Beta1(0.9), Beta2(0.99), Tau(1e-3), start],
            o => new FedYogi { Eta = o.GetDouble("eta", 0.01), Beta1 = o.GetDouble("beta_1", 0.9), Beta2 = o.GetDouble("beta_2", 0.99), Tau = o.GetDouble("tau", 1e-3), SecondMomentStart = Start(o) }, aliases: ["YogiAdaptiveAggregation", "openfl.interface.aggregation_functions.YogiAdaptiveAggregation", "openfl.component.aggregation_functions.YogiAdaptiveAggregation"]);
        Add("fedadagrad", "Server-side Adagrad on the mean update (Reddi et al., 2021).", [Eta(0.1), Beta1(0.0), Tau(1e-9), start],
            o => new FedAdagrad { Eta = o.GetDouble("eta", 0.1), Beta1 = o.GetDouble("beta_1", 0.0), Tau = o.GetDouble("tau", 1e-9), SecondMomentStart = Start(o) }, aliases: ["AdagradAdaptiveAggregation", "openfl.interface.aggregation_functions.AdagradAdaptiveAggregation", "openfl.component.aggregation_functions.AdagradAdaptiveAggregation"]);
        Add("median", "Element-wise median (Yin et al., 2018).", [], _ => new FedMedian(), holdsEveryUpdate: true, aliases: ["fedmedian", "Median", "openfl.interface.aggregation_functions.Median", "openfl.component.aggregation_functions.Median"]);
        Add("trimmed_mean", "Element-wise trimmed mean (Yin et al., 2018).",
        [
            SettingDefinition.Number("beta", 0.2, 0, 0.5, maximumExclusive: true, description: "Fraction cut from each end, in [0, 0.5)."),
        ], o => new FedTrimmedAvg { Beta = o.GetDouble("beta", 0.2) }, holdsEveryUpdate: true, aliases: ["fedtrimmedavg", "trimmedmean"]);
        Add("krum", "The update closest to its neighbours (Blanchard et al., 2017); with num_clients_to_keep, Multi-Krum.",
        [
            malicious,
            SettingDefinition.Integer("num_clients_to_keep", 0, 0, description: "0: Krum; m > 0: the mean of the m updates closest to their neighbours (Multi-Krum)."),
        ], o => new Krum { NumMaliciousClients = checked((int)o.GetInt64("num_malicious_clients", 0)), NumClientsToKeep = checked((int)o.GetInt64("num_clients_to_keep", 0)) }, holdsEveryUpdate: true);
        Add("multi_krum", "Mean of the m updates closest to their neighbours (El Mhamdi et al., 2018).",
        [
            malicious,
            SettingDefinition.Integer("num_clients_to_keep", null, 1, description: "The number m of updates averaged."),
        ], o => new Krum
        {
            NumMaliciousClients = checked((int)o.GetInt64("num_malicious_clients", 0)),
            NumClientsToKeep = o.ContainsKey("num_clients_to_keep") ? checked((int)o.GetInt64("num_clients_to_keep", 1)) : throw new ArgumentException("multi_krum needs num_clients_to_keep (the number of updates averaged, at least 1).", nameof(o)),
        }, holdsEveryUpdate: true, aliases: ["multikrum"]);
        Add("geometric_median", "Weighted geometric median by smoothed Weiszfeld iterations (Pillutla et al., 2019).",
        [
            SettingDefinition.Integer("max_iterations", 4, 1, description: "Weiszfeld iterations."),
            SettingDefinition.Number("eps", 1e-5, 0, null, minimumExclusive: true, description: "Smoothing of the distances."),
            SettingDefinition.Number("ftol", 1e-6, 0, null, minimumExclusive: true, description: "Stop when the objective improves by less than this, relatively."),
        ], o => new GeometricMedian { MaxIterations = checked((int)o.GetInt64("max_iterations", 4)), Eps = o.GetDouble("eps", 1e-5), Ftol = o.GetDouble("ftol", 1e-6) }, holdsEveryUpdate: true, aliases: ["geometricmedian", "GeometricMedian", "openfl.interface.aggregation_functions.GeometricMedian", "openfl.component.aggregation_functions.GeometricMedian"]);
        return registry;
    }
}
