using Confer.Federation.Strategies;
using Confer.Federation.TaskRunners;
using Microsoft.Extensions.Logging;

namespace Confer.Federation.Grpc;

/// <summary>How a collaborator runs, beyond what its plan says.</summary>
public sealed record CollaboratorOptions
{
    /// <summary>The collaborator's workspace: plan, certificates, data. Required.</summary>
    public required string WorkspaceDirectory { get; init; }

    /// <summary>The collaborator's name (its certificate's common name). Required.</summary>
    public required string Name { get; init; }

    /// <summary>The catalog the plan's task runner is created from. Default: <see cref="TaskRunnerCatalog.CreateDefault"/>.</summary>
    public TaskRunnerCatalog? Catalog { get; init; }

    /// <summary>The aggregator's address. Default: <c>https://agg_addr:agg_port</c> from the plan.</summary>
    public Uri? AggregatorAddress { get; init; }

    /// <summary>Connect in plaintext. Only with the plan's <c>tls: false</c> and <c>insecure: true</c>. Default false.</summary>
    public bool Insecure { get; init; }

    /// <summary>Give up after failing to reach the aggregator for this long. Default: the plan's <c>network.client_reconnect_timeout</c> (3600 s unless set).</summary>
    public TimeSpan? GiveUpAfter { get; init; }

    /// <summary>The longest pause between reconnection attempts. Default 60 s.</summary>
    public TimeSpan MaxReconnectDelay { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The strategies the plan's <c>strategy.template</c> is looked up in when the plan is validated. Default: <see cref="StrategyRegistry.Default"/>.</summary>
    public StrategyRegistry? Strategies { get; init; }

    /// <summary>The names the plan is validated with. Default: the built-ins and <see cref="Catalog"/>'s; a host that registers more (e.g. runners only a collaborator needs) passes its own.</summary>
    public Confer.Plan.PlanTypeRegistry? PlanRegistry { get; init; }

    /// <summary>The clock. Default: the system's.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Where the collaborator logs. Default: nowhere.</summary>
    public ILoggerFactory? LoggerFactory { get; init; }
}
