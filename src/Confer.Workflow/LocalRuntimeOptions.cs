namespace Confer.Workflow;

/// <summary>Settings of a <see cref="LocalRuntime"/>.</summary>
public sealed class LocalRuntimeOptions
{
    /// <summary>The most collaborator tasks the parallel backend runs at once. Default: the processor count.</summary>
    public int MaxParallelism { get; set; } = Environment.ProcessorCount;

    /// <summary>CPUs the parallel backend may hand to steps' <see cref="PlacementAttribute.Cpus"/> hints at once. Default: the processor count.</summary>
    public double Cpus { get; set; } = Environment.ProcessorCount;

    /// <summary>GPUs the parallel backend may hand to steps' <see cref="PlacementAttribute.Gpus"/> hints at once. Default 0.</summary>
    public double Gpus { get; set; }

    /// <summary>The run store folder. Default: <see cref="RunStore.DefaultDirectory"/> (<c>$CONFER_RUNS</c> or <c>~/.confer/runs</c>).</summary>
    public string? RunStoreDirectory { get; set; }

    /// <summary>The codecs values cross participants with. Default: <see cref="CodecRegistry.CreateDefault"/>.</summary>
    public CodecRegistry? Codecs { get; set; }

    /// <summary>The clock for task and run times. Default: <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Whether output a checkpointed task prints still reaches the console as well as the run store. Default <see langword="true"/>.</summary>
    public bool EchoTaskOutput { get; set; } = true;
}
