namespace Confer.Workflow;

/// <summary>
/// Where a step runs. Data only: the runtime reads it when the flow is loaded, and the resource
/// hints mean something only to a runtime backend that schedules concurrent tasks.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public abstract class PlacementAttribute : Attribute
{
    /// <summary>Initializes the attribute.</summary>
    protected PlacementAttribute()
    {
    }

    /// <summary>The participant kind the step runs on.</summary>
    public abstract Placement Placement { get; }

    /// <summary>CPUs one task of this step reserves in the parallel backend. Default 0: no reservation.</summary>
    public double Cpus { get; set; }

    /// <summary>GPUs (fractions allowed) one task of this step reserves in the parallel backend. Default 0.</summary>
    public double Gpus { get; set; }
}
