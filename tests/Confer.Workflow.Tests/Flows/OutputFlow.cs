namespace Confer.Workflow.Tests.Flows;

/// <summary>Collaborators print while all of them are inside the step at once, to prove per-task capture.</summary>
internal sealed class OutputFlow : Flow<OutputFlow>
{
    public IReadOnlyList<string> Collaborators { get; set; } = [];

    [Private]
    public Barrier? Rendezvous { get; set; }

    [Aggregator]
    public void Start()
    {
        Console.WriteLine("start on the aggregator");
        Collaborators = Runtime!.Collaborators;
        Next(Speak, @foreach: nameof(Collaborators));
    }

    [Collaborator]
    public void Speak()
    {
        for (int line = 0; line < 50; line++)
        {
            Console.WriteLine($"{Input} line {line}");
            if (line == 25 && !Rendezvous!.SignalAndWait(TimeSpan.FromSeconds(30)))
            {
                throw new TimeoutException("The collaborators never ran at the same time.");
            }
        }

        Console.Error.WriteLine($"{Input} warning");
        Next(Join);
    }

    [Aggregator]
    public void Join(IReadOnlyList<OutputFlow> inputs) => Next(End);

    [Aggregator]
    public void End() => Console.WriteLine("end");
}
