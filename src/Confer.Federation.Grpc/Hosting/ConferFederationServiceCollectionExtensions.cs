using Confer.Federation.Grpc;
using Confer.Federation.Grpc.Hosting;
using Confer.Federation.Grpc.Hosting.Internal;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Runs a Confer aggregator or collaborator as a hosted service of a Generic Host. The service
/// stops the application when the federation is over, and the exit code is in
/// <see cref="FederationOutcome"/>. One federation node per host.
/// </summary>
public static class ConferFederationServiceCollectionExtensions
{
    /// <summary>
    /// Adds the aggregator of <paramref name="options"/>' workspace as a hosted service. It starts
    /// serving when the host starts, stops the application with exit code 0 when every round is
    /// trained and the collaborators were told to quit (1 when it cannot start or fails), and stops
    /// serving on host shutdown (Ctrl-C, SIGTERM) keeping what it already saved, so a new start resumes.
    /// Without <see cref="AggregatorOptions.ConfigureLogging"/>, its log lines go to the host's logging.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="options">The workspace and how to run.</param>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddConferAggregator(this IServiceCollection services, AggregatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        services.TryAddSingleton<FederationOutcome>();
        services.AddHostedService(sp => new AggregatorService(
            options,
            sp.GetRequiredService<FederationOutcome>(),
            sp.GetRequiredService<IHostApplicationLifetime>(),
            sp.GetRequiredService<ILoggerFactory>()));
        return services;
    }

    /// <summary>
    /// Adds a collaborator as a hosted service. It connects when the host starts, stops the
    /// application with exit code 0 when the aggregator says the federation is over (1 when it is
    /// refused or gives up reconnecting), and cancels its task on host shutdown.
    /// Without <see cref="CollaboratorOptions.LoggerFactory"/>, it logs to the host's logging.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="options">The workspace, name and how to run.</param>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddConferCollaborator(this IServiceCollection services, CollaboratorOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        services.TryAddSingleton<FederationOutcome>();
        services.AddHostedService(sp => new CollaboratorService(
            options,
            sp.GetRequiredService<FederationOutcome>(),
            sp.GetRequiredService<IHostApplicationLifetime>(),
            sp.GetRequiredService<ILoggerFactory>()));
        return services;
    }
}
