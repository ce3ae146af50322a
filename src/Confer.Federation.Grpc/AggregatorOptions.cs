using System.Net;
using Confer.Federation.Strategies;
using Confer.Federation.TaskRunners;
using Microsoft.Extensions.Logging;

namespace Confer.Federation.Grpc;

/// <summary>How an aggregator runs, beyond what its plan says.</summary>
public sealed record AggregatorOptions
{
    /// <summary>The aggregator's workspace: plan, certificates, saved states. Required.</summary>
    public required string WorkspaceDirectory { get; init; }

    /// <summary>The catalog the plan's names are looked up in. Default: <see cref="TaskRunnerCatalog.CreateDefault"/>.</summary>
    public TaskRunnerCatalog? Catalog { get; init; }

    /// <summary>The strategies the plan's <c>strategy.template</c> is looked up in. Default: <see cref="StrategyRegistry.Default"/>, the built-in ones; a host with its own strategies passes a registry that has them.</summary>
    public StrategyRegistry? Strategies { get; init; }

    /// <summary>The name in the aggregator's certificate (<c>cert/server/agg_FQDN.crt</c>). Default: the plan's <c>network.agg_addr</c>.</summary>
    public string? Fqdn { get; init; }

    /// <summary>The address to listen on. Default: any address (IPv6 and IPv4).</summary>
    public IPAddress ListenAddress { get; init; } = IPAddress.IPv6Any;

    /// <summary>The port to listen on; 0 picks a free one. Default: the plan's <c>network.agg_port</c>.</summary>
    public int? Port { get; init; }

    /// <summary>Serve plaintext HTTP/2 without TLS. Only with the plan's <c>tls: false</c> and <c>insecure: true</c>. Default false.</summary>
    public bool Insecure { get; init; }

    /// <summary>How long a task request is held open when there is nothing to do (long-poll). Default 30 s.</summary>
    public TimeSpan PollWindow { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the aggregator waits, after the last round, for every collaborator to be told to quit. Default 30 s.</summary>
    public TimeSpan QuitGracePeriod { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The largest example count a result may claim. Default 10^12.</summary>
    public long MaxExampleCount { get; init; } = 1_000_000_000_000;

    /// <summary>Count the bytes read and written on every connection (below TLS) into <see cref="AggregatorHost.WireBytes"/>. Default false.</summary>
    public bool CountWireBytes { get; init; }

    /// <summary>The names the plan is validated with. Default: the built-ins and <see cref="Catalog"/>'s; a host that registers more (e.g. runners only a collaborator needs) passes its own.</summary>
    public Confer.Plan.PlanTypeRegistry? PlanRegistry { get; init; }

    /// <summary>The clock. Default: the system's.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Adds logging providers (the console by default in the CLI).</summary>
    public Action<ILoggingBuilder>? ConfigureLogging { get; init; }
}
