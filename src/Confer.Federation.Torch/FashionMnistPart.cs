using Confer.Data;

namespace Confer.Federation.Torch;

/// <summary>A collaborator's part of Fashion-MNIST, as <see cref="FashionMnistDataLoader"/> loads it.</summary>
/// <param name="Train">Its training examples.</param>
/// <param name="Test">Its test examples.</param>
/// <param name="Shard">Its shard number, or <see langword="null"/> for a data folder.</param>
/// <param name="Seed">The seed of the training shuffle order (<c>data_loader.settings.seed</c>, default 0).</param>
/// <param name="Source">Where the examples came from, for logs.</param>
public sealed record FashionMnistPart(ImageDataset Train, ImageDataset Test, int? Shard, int Seed, string Source);
