namespace Confer.Federation.Strategies;

/// <summary>One client and the task it gets in a round (Flower's <c>(ClientProxy, FitIns)</c> pair).</summary>
/// <typeparam name="TInstructions"><see cref="FitInstructions"/> or <see cref="EvaluateInstructions"/>.</typeparam>
/// <param name="ClientId">The client.</param>
/// <param name="Instructions">The task.</param>
public sealed record ClientInstructions<TInstructions>(string ClientId, TInstructions Instructions);
