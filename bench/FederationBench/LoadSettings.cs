namespace FederationBench;


/// <summary>The load benchmark's settings: model size (float32 values), rounds, collaborators and the processes hosting them, the baseline's collaborators, the global timeout.</summary>
internal sealed record LoadSettings(string Name, int ModelSize, int Rounds, int Collaborators, int Processes, int BaselineCollaborators, TimeSpan Timeout, bool Keep);
