using Confer.Core;
using Confer.Federation.Grpc.Internal;

namespace Confer.Federation.Grpc.Tests;

/// <summary>A round's global model is written over only when no download holds it.</summary>
public class PushedArraysTests
{
    [Fact]
    public void TryRetire_WhileADownloadHoldsTheModel_IsFalse_AndNoNewDownloadStarts()
    {
        var model = new PushedArrays(new ModelState([NamedTensor.Create<float>("w", [2], [1f, 2f])]), round: 3);
        var lease = model.TryLease();
        Assert.NotNull(lease);

        Assert.False(model.TryRetire());
        Assert.Null(model.TryLease());

        lease.Dispose();
        lease.Dispose();
        Assert.True(model.TryRetire());
    }

    [Fact]
    public void Encoded_IsTheSerializedModelWithItsRound_AndSha256IsItsHash()
    {
        var state = new ModelState([NamedTensor.Create<float>("w", [2], [1f, 2f])]);
        var model = new PushedArrays(state, round: 12);

        var bytes = ModelStateSerializer.Serialize(state, new Dictionary<string, string> { ["round"] = "12" });
        Assert.Equal(bytes, model.Encoded.ToArray());
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)), model.Sha256);
    }
}
