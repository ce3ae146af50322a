namespace Confer.Workflow.Internal;

/// <summary>
/// CPUs and GPUs handed to tasks by their steps' hints, first come first served: a task waits
/// until what it asked for is free. Tasks that ask for nothing never wait.
/// </summary>
internal sealed class ResourcePool(double cpus, double gpus)
{
    private readonly Lock _gate = new();
    private readonly LinkedList<Waiter> _waiters = new();
    private double _cpus = cpus;
    private double _gpus = gpus;

    public ValueTask AcquireAsync(double wantCpus, double wantGpus, CancellationToken cancellationToken)
    {
        if (wantCpus <= 0 && wantGpus <= 0)
        {
            return ValueTask.CompletedTask;
        }

        Waiter waiter;
        lock (_gate)
        {
            if (_waiters.Count == 0 && wantCpus <= _cpus && wantGpus <= _gpus)
            {
                _cpus -= wantCpus;
                _gpus -= wantGpus;
                return ValueTask.CompletedTask;
            }

            waiter = new Waiter(wantCpus, wantGpus);
            waiter.Node = _waiters.AddLast(waiter);
        }

        waiter.Registration = cancellationToken.Register(() =>
        {
            lock (_gate)
            {
                if (waiter.Node?.List is not null)
                {
                    _waiters.Remove(waiter.Node);
                    waiter.Completion.TrySetCanceled(cancellationToken);
                }
            }
        });
        return new ValueTask(waiter.Completion.Task);
    }

    public void Release(double cpus, double gpus)
    {
        if (cpus <= 0 && gpus <= 0)
        {
            return;
        }

        var ready = new List<Waiter>();
        lock (_gate)
        {
            _cpus += cpus;
            _gpus += gpus;
            while (_waiters.First is { } first && first.Value.Cpus <= _cpus && first.Value.Gpus <= _gpus)
            {
                _cpus -= first.Value.Cpus;
                _gpus -= first.Value.Gpus;
                _waiters.RemoveFirst();
                ready.Add(first.Value);
            }
        }

        foreach (Waiter waiter in ready)
        {
            waiter.Registration.Dispose();
            waiter.Completion.TrySetResult();
        }
    }

    private sealed class Waiter(double cpus, double gpus)
    {
        public double Cpus { get; } = cpus;

        public double Gpus { get; } = gpus;

        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public LinkedListNode<Waiter>? Node { get; set; }

        public CancellationTokenRegistration Registration { get; set; }
    }
}
