namespace FederationBench;

/// <summary>One benchmark run: its name, model size (float32 values), Flower's figure (s/round), rounds, collaborators and the plan's chunk size (0: the plan's default).</summary>
internal sealed record BenchSettings(string Name, int ModelSize, double BaselineSeconds, int Rounds, int Collaborators, bool Keep, int ChunkSize = 0);
