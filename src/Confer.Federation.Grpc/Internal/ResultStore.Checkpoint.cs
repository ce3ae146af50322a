using System.Globalization;
using Confer.Core;
using Confer.Federation.Controllers;
using Confer.Protos.V1;
using Google.Protobuf;

namespace Confer.Federation.Grpc.Internal;

// The round checkpoint (checkpoint.pbuf), the round controller's commit point: read at start,
// written atomically at the end of every round. Stored replies are ResultStore.cs.
internal sealed partial class ResultStore
{
    /// <summary>
    /// The round checkpoint of this plan, or null when there is none. What belongs to another plan,
    /// or lies in the store without a checkpoint, is moved aside untouched (<see cref="SetAsideAtStart"/>);
    /// the folders of rounds the checkpoint says were aggregated, and files a crash left written
    /// aside, are removed.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is not a checkpoint this version can read.</exception>
    public RoundCheckpoint? Read()
    {
        AtomicFile.DeleteLeftover(CheckpointPath);
        var read = ReadCheckpoint();
        if (read is not null && read.Value.PlanHash != _planHash)
        {
            SetAsideAtStart = (SetAside(), read.Value.PlanHash, read.Value.Checkpoint.NextRound);
            return null;
        }

        if (read is null)
        {
            if (HasContent())
            {
                SetAsideAtStart = (SetAside(), null, 0);
            }

            return null;
        }

        var checkpoint = read.Value.Checkpoint;
        foreach (var stale in StoredRounds().Where(r => r < checkpoint.NextRound))
        {
            DeleteRound(stale);
            RemovedAtStart.Add(stale);
        }

        return checkpoint;
    }

    /// <inheritdoc/>
    public void Write(RoundCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        WriteCheckpoint(_planHash, checkpoint);
    }

    private (string PlanHash, RoundCheckpoint Checkpoint)? ReadCheckpoint()
    {
        if (!File.Exists(CheckpointPath))
        {
            return null;
        }

        try
        {
            var proto = ModelStateProto.Parser.ParseFrom(File.ReadAllBytes(CheckpointPath));
            var metadata = proto.Metadata;
            if (!metadata.TryGetValue("format", out var format) || format != CheckpointFormat)
            {
                throw new InvalidDataException($"its format is '{format}', not {CheckpointFormat}");
            }

            var state = ModelStateSerializer.FromProto(proto);
            var global = new ModelState(state.Where(t => t.Name.StartsWith(GlobalPrefix, StringComparison.Ordinal)).Select(t => t.CloneAs(t.Name[GlobalPrefix.Length..])).ToList());
            var strategy = new ModelState(state.Where(t => t.Name.StartsWith(StrategyPrefix, StringComparison.Ordinal)).Select(t => t.CloneAs(t.Name[StrategyPrefix.Length..])).ToList());
            double? best = metadata.TryGetValue("best_score", out var b) ? double.Parse(b, NumberStyles.Float, CultureInfo.InvariantCulture) : null;
            return (metadata["plan_hash"], new RoundCheckpoint(
                int.Parse(metadata["next_round"], NumberStyles.None, CultureInfo.InvariantCulture),
                global,
                strategy,
                int.Parse(metadata["strategy_steps"], NumberStyles.None, CultureInfo.InvariantCulture),
                best));
        }
        catch (Exception ex) when (ex is InvalidProtocolBufferException or ModelStateException or KeyNotFoundException or FormatException or OverflowException or InvalidDataException)
        {
            throw new InvalidDataException(
                $"The round checkpoint {CheckpointPath} cannot be read ({ex.Message}). It is written atomically, so it was changed by something other than this version of Confer. "
                + $"Restore it from a backup, or move the folder {Directory} away to start the federation again from round 1.", ex);
        }
    }

    /// <summary>Writes the round checkpoint atomically: after this returns, a restart resumes at <see cref="RoundCheckpoint.NextRound"/>.</summary>
    private void WriteCheckpoint(string planHash, RoundCheckpoint checkpoint)
    {
        // The tensors are renamed over their own buffers and streamed to the file: no copy of the model.
        var tensors = checkpoint.Global.Select(t => t.ShareAs(GlobalPrefix + t.Name))
            .Concat(checkpoint.StrategyState.Select(t => t.ShareAs(StrategyPrefix + t.Name)))
            .ToList();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["format"] = CheckpointFormat,
            ["plan_hash"] = planHash,
            ["next_round"] = checkpoint.NextRound.ToString(CultureInfo.InvariantCulture),
            ["strategy_steps"] = checkpoint.StrategySteps.ToString(CultureInfo.InvariantCulture),
        };
        if (checkpoint.BestScore is { } best)
        {
            metadata["best_score"] = best.ToString("R", CultureInfo.InvariantCulture);
        }

        AtomicFile.Write(CheckpointPath, (State: new ModelState(tensors), Metadata: metadata), static (stream, c) => ModelStateSerializer.Serialize(c.State, stream, c.Metadata));
    }
}
