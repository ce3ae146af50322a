namespace FederationBench;

/// <summary>One benchmark run: its name, model size (float32 values), Flower's figure (s/round), rounds and collaborators.</summary>
internal sealed record BenchSettings(string Name, int ModelSize, double BaselineSeconds, int Rounds, int Collaborators, bool Keep);
