namespace TabularModel;

/// <summary>One collaborator's rows, split into the rows it trains on and the rows it holds out.</summary>
/// <param name="FeatureCount">Features per row.</param>
/// <param name="TrainFeatures">Training rows, row after row, standardized.</param>
/// <param name="TrainLabels">Their class indices.</param>
/// <param name="TestFeatures">Held-out rows, standardized with the training rows' means and deviations.</param>
/// <param name="TestLabels">Their class indices.</param>
public sealed record TabularData(int FeatureCount, float[] TrainFeatures, long[] TrainLabels, float[] TestFeatures, long[] TestLabels)
{
    public int TrainCount => TrainLabels.Length;

    public int TestCount => TestLabels.Length;
}
