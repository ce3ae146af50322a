using System.Globalization;
using Confer.Core;
using Confer.Core.Aggregation;
using Confer.Protos.V2;
using Grpc.Core;
using ReasonCode = Confer.Federation.Messages.ReasonCode;

namespace Confer.Federation.Grpc.Internal;

// The collaborators' side of the grid, what GridService calls: the long-poll for task messages,
// array downloads, and replies, which are validated against their task and stored durably before
// they are acknowledged. The round controller's side (push, pull, wait, withdraw) is GrpcGrid.cs.
internal sealed partial class GrpcGrid
{
    /// <summary>A collaborator's long-poll: its current tasks when some are unanswered, quit when the federation is over, retry after the poll window.</summary>
    public async Task<PullMessagesResponse> PullMessagesAsync(string collaborator, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var rounds = _plan.Aggregator.RoundsToTrain;
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_quit)
                {
                    if (_toldToQuit.Add(collaborator))
                    {
                        AggregatorLog.TellingToQuit(_logger, collaborator);
                        Signal();
                    }

                    return new PullMessagesResponse { Quit = true, Rounds = rounds };
                }

                if (_batchByNode.TryGetValue(collaborator, out var batch) && batch.Any(t => t.Reply is null && !t.Withdrawn))
                {
                    var response = new PullMessagesResponse { Rounds = rounds };
                    response.Messages.AddRange(batch.Where(t => !t.Withdrawn).Select(ToProto));
                    return response;
                }

                changed = _changed.Changed;
            }

            var remaining = _options.PollWindow - _time.GetElapsedTime(started);
            if (remaining <= TimeSpan.Zero)
            {
                return new PullMessagesResponse { Retry = true, Rounds = rounds };
            }

            try
            {
                await changed.WaitAsync(remaining, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                return new PullMessagesResponse { Retry = true, Rounds = rounds };
            }
        }
    }

    /// <summary>The arrays of a task for a download, held until the lease is disposed.</summary>
    public PushedArrays.Lease LeaseArrays(string sha256)
    {
        lock (_gate)
        {
            if (_arraysBySha.TryGetValue(sha256, out var arrays) && arrays.TryLease() is { } lease)
            {
                return lease;
            }

            throw Refusal.Create(StatusCode.FailedPrecondition, ReasonCode.ArraysUnavailable, string.Create(CultureInfo.InvariantCulture, $"the arrays {sha256} are not available: the aggregator is in round {_currentRound} and keeps only the arrays of its tasks out"));
        }
    }

    /// <summary>Checks a reply's header before any of its bytes are read; false = a duplicate of an acknowledged reply.</summary>
    public bool BeginReply(string collaborator, ReplyHeader header)
    {
        if (!string.Equals(header.Collaborator, collaborator, StringComparison.Ordinal))
        {
            throw Refusal.Create(StatusCode.PermissionDenied, ReasonCode.NameMismatch, $"the reply names collaborator '{header.Collaborator}', but the caller is '{collaborator}'");
        }

        lock (_gate)
        {
            if (_acknowledged.Contains(header.ReplyTo))
            {
                return false;
            }

            if (!_tasks.TryGetValue(header.ReplyTo, out var task) || task.Message.NodeId != collaborator || task.Message.Round != header.Round || task.Message.Kind != header.Kind)
            {
                if (header.Round != _currentRound)
                {
                    throw Refusal.Create(StatusCode.FailedPrecondition, ReasonCode.StaleRound, string.Create(CultureInfo.InvariantCulture, $"reply for round {header.Round}, but the current round is {_currentRound}"));
                }

                var closed = _batchByNode.TryGetValue(collaborator, out var batch) && batch.Any(t => t.Message.Id == header.ReplyTo && t.Withdrawn);
                throw closed
                    ? Refusal.Create(StatusCode.FailedPrecondition, ReasonCode.RoundClosed, string.Create(CultureInfo.InvariantCulture, $"round {header.Round} closed for task '{header.Kind}' (straggler policy or deadline); the reply came too late"))
                    : Refusal.Create(StatusCode.FailedPrecondition, ReasonCode.NotAssigned, string.Create(CultureInfo.InvariantCulture, $"task '{header.Kind}' ({header.ReplyTo}) is not assigned to collaborator '{collaborator}' in round {header.Round}"));
            }

            if (header.Error is null)
            {
                if (header.ArraysSize < 0 || header.ArraysSize > Limits.MaxTotalUploadSize)
                {
                    throw Refusal.Create(StatusCode.ResourceExhausted, ReasonCode.TooLarge, $"the reply declares {header.ArraysSize} bytes; the limit (network.limits.max_total_upload_size) is {Limits.MaxTotalUploadSize}");
                }

                if (header.ExampleCount < 0 || header.ExampleCount > _options.MaxExampleCount)
                {
                    throw Refusal.Create(StatusCode.InvalidArgument, ReasonCode.InvalidExampleCount, $"example count {header.ExampleCount} is outside [0, {_options.MaxExampleCount}]");
                }

                if (header.Metrics.FirstOrDefault(m => !double.IsFinite(m.Value)) is { Key: not null } bad)
                {
                    throw Refusal.Create(StatusCode.InvalidArgument, ReasonCode.NonFiniteValue, $"metric '{bad.Key}' is {bad.Value}; metrics must be finite");
                }
            }
            else if (header.ArraysSize != 0)
            {
                throw Refusal.Create(StatusCode.InvalidArgument, ReasonCode.Malformed, "a reply that reports an error carries no arrays");
            }

            if (!_uploading.Add(header.ReplyTo))
            {
                throw Refusal.Create(StatusCode.Aborted, ReasonCode.UploadInProgress, $"another upload of task '{header.Kind}' by '{collaborator}' is in progress");
            }

            if (!_batchByNode.Values.Any(b => b.Any(t => t.Message.Round == header.Round && t.Reply is not null)))
            {
                FaultInjection.Reach(FaultInjection.BeforeFirstResult, header.Round);
            }
        }

        AggregatorLog.SendingTaskResults(_logger, collaborator, header.Kind, header.Round);
        return true;
    }

    public void AbortReply(ReplyHeader header)
    {
        lock (_gate)
        {
            _uploading.Remove(header.ReplyTo);
        }
    }

    /// <summary>Validates a fully received and flushed reply, stores it for good, and records it; after this returns, the reply may be acknowledged.</summary>
    public async Task CompleteReplyAsync(string collaborator, ReplyHeader header, string temporaryPath, CancellationToken cancellationToken)
    {
        ModelState? reference;
        lock (_gate)
        {
            reference = _tasks.TryGetValue(header.ReplyTo, out var task) ? task.Arrays?.State : null;
        }

        if (header.ArraysSize > 0)
        {
            await _validation.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                Validate(collaborator, header, temporaryPath, reference);
            }
            finally
            {
                _validation.Release();
            }
        }

        lock (_gate)
        {
            if (!_tasks.TryGetValue(header.ReplyTo, out var task) || task.Withdrawn)
            {
                throw Refusal.Create(StatusCode.FailedPrecondition, ReasonCode.RoundClosed, string.Create(CultureInfo.InvariantCulture, $"round {header.Round} closed for task '{header.Kind}' while the reply was uploading"));
            }

            var stored = _store.Commit(temporaryPath, header);
            task.Reply = stored;
            _uploading.Remove(header.ReplyTo);
            _acknowledged.Add(header.ReplyTo);
            AggregatorLog.ResultStored(_logger, collaborator, header.Kind, header.Round, header.ArraysSize, stored.Path);
            FaultInjection.Reach(FaultInjection.AfterResultStored, header.Round);
            Signal();
        }
    }

    /// <summary>After the last round: tells every collaborator to quit and waits until each was told, or the grace period ends.</summary>
    public async Task FinishAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _quit = true;
            Signal();
        }

        // No round will write over the spare result files any more: give their space back.
        _store.DeleteSpares();
        var started = _time.GetTimestamp();
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (NodeIds.All(_toldToQuit.Contains))
                {
                    return;
                }

                changed = _changed.Changed;
            }

            var remaining = _options.QuitGracePeriod - _time.GetElapsedTime(started);
            try
            {
                if (remaining <= TimeSpan.Zero)
                {
                    throw new TimeoutException();
                }

                await changed.WaitAsync(remaining, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                lock (_gate)
                {
                    AggregatorLog.QuitGraceExpired(_logger, _options.QuitGracePeriod.TotalSeconds, string.Join(", ", NodeIds.Where(c => !_toldToQuit.Contains(c))));
                }

                return;
            }
        }
    }

    /// <summary>Checks the arrays where they lie, in the mapped file: no decoded copy of the model.</summary>
    private static void Validate(string collaborator, ReplyHeader header, string temporaryPath, ModelState? reference)
    {
        var description = $"the {header.Kind} reply of {collaborator} in round {header.Round}";
        try
        {
            UpdateValidator.EnsureValidWeight(header.ExampleCount, description);
            var offset = 4 + header.CalculateSize();
            if (reference is null)
            {
                var state = ResultStore.ReadModel(temporaryPath, offset, header.ArraysSize)!;
                UpdateValidator.EnsureFinite(state, description);
                return;
            }

            ResultStore.WithModelBytes(temporaryPath, offset, header.ArraysSize, (reference, description), static (bytes, s) =>
            {
                UpdateValidator.ValidateEncoded(s.reference, bytes, s.description);
                return true;
            });
        }
        catch (UpdateRejectedException ex)
        {
            var reason = ex.Reason switch
            {
                UpdateRejectionReason.NonFiniteValue => ReasonCode.NonFiniteValue,
                UpdateRejectionReason.InvalidWeight => ReasonCode.InvalidExampleCount,
                _ => ReasonCode.LayoutMismatch,
            };
            throw Refusal.Create(StatusCode.InvalidArgument, reason, ex.Message);
        }
        catch (ModelStateException ex)
        {
            throw Refusal.Create(StatusCode.InvalidArgument, ReasonCode.Malformed, $"{description} is not a valid model state: {ex.Message}");
        }
    }
}
