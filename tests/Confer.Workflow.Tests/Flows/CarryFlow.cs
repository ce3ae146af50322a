namespace Confer.Workflow.Tests.Flows;

/// <summary>Records what each step saw, to pin include/exclude semantics.</summary>
internal sealed class CarryFlow : Flow<CarryFlow>
{
    public string Mode { get; set; } = "default";

    public IReadOnlyList<string> Collaborators { get; set; } = [];

    public int Kept { get; set; }

    public int Dropped { get; set; }

    public string? Note { get; set; }

    public int SeenKept { get; set; }

    public int SeenDropped { get; set; }

    public string? SeenNote { get; set; }

    public int AggregatorDroppedAfterJoin { get; set; }

    public int AggregatorDroppedAtEnd { get; set; }

    public List<string> Observations { get; set; } = [];

    [Aggregator]
    public void Start()
    {
        Collaborators = Runtime!.Collaborators;
        Kept = 7;
        Dropped = 9;
        Note = "hello";
        switch (Mode)
        {
            case "include":
                Next(Look, @foreach: nameof(Collaborators), include: [nameof(Kept), nameof(Mode), nameof(Collaborators)]);
                break;
            case "exclude":
                Next(Look, @foreach: nameof(Collaborators), exclude: [nameof(Dropped)]);
                break;
            case "both":
                Next(Look, @foreach: nameof(Collaborators), include: [nameof(Kept)], exclude: [nameof(Dropped)]);
                break;
            case "unknown":
                Next(Look, @foreach: nameof(Collaborators), exclude: ["Dropepd"]);
                break;
            default:
                Next(Look, @foreach: nameof(Collaborators));
                break;
        }
    }

    [Collaborator]
    public void Look()
    {
        SeenKept = Kept;
        SeenDropped = Dropped;
        SeenNote = Note;
        Kept += Input!.Length;
        Next(Join, exclude: [nameof(Note)]);
    }

    [Aggregator]
    public void Join(IReadOnlyList<CarryFlow> inputs)
    {
        Observations = [.. inputs.Select(i => $"{i.Input}:{i.SeenKept}/{i.SeenDropped}/{i.SeenNote ?? "null"}/{i.Kept}/{i.Note ?? "null"}")];
        AggregatorDroppedAfterJoin = Dropped;
        Next(Finish, exclude: [nameof(Dropped)]);
    }

    [Aggregator]
    public void Finish() => Next(End);

    [Aggregator]
    public void End() => AggregatorDroppedAtEnd = Dropped;
}
