namespace Confer.Workflow.Tests.Flows;

/// <summary>A class with no codec: a stand-in for a data loader or a native handle.</summary>
internal sealed class Opaque
{
    public int Handle { get; set; } = 42;
}

/// <summary>A record: data-shaped, so the default JSON codec takes it.</summary>
internal sealed record Metrics(string Name, double Accuracy, IReadOnlyList<int> Counts, Dictionary<string, double> PerClass);

internal enum Phase
{
    Warmup,
    Training,
}

internal sealed class CodecFlow : Flow<CodecFlow>
{
    public string Mode { get; set; } = "carry";

    public IReadOnlyList<string> Collaborators { get; set; } = [];

    public Opaque? Loader { get; set; }

    public Metrics? Summary { get; set; }

    public Phase Phase { get; set; } = Phase.Training;

    public Confer.Core.ModelState? Model { get; set; }

    public long? Maybe { get; set; }

    public List<Metrics> Received { get; set; } = [];

    [Aggregator]
    public void Start()
    {
        Collaborators = Runtime!.Collaborators;
        Loader = new Opaque();
        if (Mode == "carry")
        {
            Next(Work, @foreach: nameof(Collaborators));
        }
        else
        {
            Next(Work, @foreach: nameof(Collaborators), exclude: [nameof(Loader)]);
        }
    }

    [Collaborator]
    public void Work()
    {
        Summary = new Metrics(Input!, 0.5 + (Input!.Length / 100.0), [1, 2, Input.Length], new Dictionary<string, double> { ["shirt"] = 0.25 });
        Maybe = Input.Length;
        Next(Join, exclude: [nameof(Loader)]);
    }

    [Aggregator]
    public void Join(IReadOnlyList<CodecFlow> inputs)
    {
        Received = [.. inputs.Select(i => i.Summary!)];
        Next(End, exclude: [nameof(Loader)]);
    }

    [Aggregator]
    public void End()
    {
    }
}
