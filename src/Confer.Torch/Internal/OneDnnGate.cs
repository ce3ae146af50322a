namespace Confer.Torch.Internal;

/// <summary>
/// Keeps oneDNN off while any thread is inside a section that must not use it. libtorch reads its
/// oneDNN switch afresh on every operator call and the switch is process-wide, so one thread
/// turning it back on while another is in a backward pass would hand that pass to oneDNN again;
/// counting the open sections under one lock rules that out.
/// </summary>
internal static class OneDnnGate
{
    private static readonly Lock Sync = new();
    private static int _openSections;
    private static bool _enabledOutsideSections = true;

    /// <summary>Whether oneDNN is used outside sections (inference, and forward passes when allowed).</summary>
    internal static bool EnabledOutsideSections
    {
        get
        {
            lock (Sync)
            {
                return _enabledOutsideSections;
            }
        }

        set
        {
            lock (Sync)
            {
                _enabledOutsideSections = value;
                if (_openSections == 0)
                {
                    LibTorchContext.UserEnabledMkldnn = value;
                }
            }
        }
    }

    /// <summary>Opens a section in which oneDNN is off; dispose the result to close it.</summary>
    /// <returns>The section.</returns>
    internal static Section Enter()
    {
        lock (Sync)
        {
            if (_openSections++ == 0)
            {
                LibTorchContext.UserEnabledMkldnn = false;
            }
        }

        return new Section(true);
    }

    private static void Exit()
    {
        lock (Sync)
        {
            if (--_openSections == 0 && _enabledOutsideSections)
            {
                LibTorchContext.UserEnabledMkldnn = true;
            }
        }
    }

    /// <summary>An open section; disposing it closes the section once.</summary>
    internal struct Section : IDisposable
    {
        private bool _open;

        internal Section(bool open) => _open = open;

        /// <inheritdoc/>
        public void Dispose()
        {
            if (_open)
            {
                _open = false;
                Exit();
            }
        }
    }
}
