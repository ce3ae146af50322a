using Confer.Torch.Internal;
using TorchSharp;

namespace Confer.Torch;

/// <summary>
/// The process-wide configuration of the native torch runtime that Confer's training needs to be
/// correct and fast on CPU: intra-op threads, NNPACK off (it cannot initialise on many servers and
/// logs a warning per convolution), and oneDNN kept out of the backward pass (see
/// <see cref="OneDnnTrainingMode"/> and docs/torch.md). <see cref="Trainer"/> calls
/// <see cref="Configure"/> itself; call it earlier to choose other options.
/// </summary>
public static class TorchRuntime
{
    /// <summary>The environment variable that chooses <see cref="OneDnnTrainingMode"/> when options do not.</summary>
    public const string OneDnnTrainingVariable = "CONFER_TORCH_ONEDNN_TRAINING";

    private static readonly Lock Sync = new();
    private static volatile bool _configured;
    private static OneDnnTrainingMode _oneDnnTraining = OneDnnTrainingMode.ForwardOnly;

    /// <summary>Whether <see cref="Configure"/> has run in this process.</summary>
    public static bool IsConfigured => _configured;

    /// <summary>How training uses oneDNN in this process. Valid after <see cref="Configure"/>.</summary>
    public static OneDnnTrainingMode OneDnnTraining
    {
        get
        {
            lock (Sync)
            {
                return _oneDnnTraining;
            }
        }
    }

    /// <summary>The intra-op thread count torch uses.</summary>
    public static int Threads => torch.get_num_threads();

    /// <summary>Whether libtorch may use oneDNN right now (process-wide; changes during training steps).</summary>
    public static bool OneDnnEnabled
    {
        get
        {
            EnsureConfigured();
            return LibTorchContext.UserEnabledMkldnn;
        }
    }

    /// <summary>
    /// Configures the runtime. The first call checks the native symbols, switches NNPACK off and
    /// applies the options; a later call without options does nothing, a later call with options
    /// applies them. Thread-safe.
    /// </summary>
    /// <param name="options">Settings; <see langword="null"/> keeps the defaults (or the settings of an earlier call).</param>
    /// <exception cref="TorchRuntimeException">libtorch lacks a function Confer needs (the message names it).</exception>
    /// <exception cref="ArgumentOutOfRangeException">A thread count below 1.</exception>
    public static void Configure(TorchRuntimeOptions? options = null)
    {
        if (_configured && options is null)
        {
            return;
        }

        if (options?.Threads is int requested)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(requested, 1, nameof(options));
        }

        lock (Sync)
        {
            if (!_configured)
            {
                LibTorchContext.EnsureAvailable();
                LibTorchContext.SetUserEnabledNnpack(false);
                torch.set_num_threads(options?.Threads ?? Environment.ProcessorCount);
                _oneDnnTraining = options?.OneDnnTraining ?? ReadModeFromEnvironment();
                OneDnnGate.EnabledOutsideSections = true;
                _configured = true;
                return;
            }

            if (options!.Threads is int threads)
            {
                torch.set_num_threads(threads);
            }

            if (options.OneDnnTraining is OneDnnTrainingMode mode)
            {
                _oneDnnTraining = mode;
            }
        }
    }

    /// <summary>
    /// Opens a section in which oneDNN is off for every thread until the section is disposed
    /// (sections nest and may overlap across threads). The train loop opens one around each
    /// backward pass, or around the whole step in <see cref="OneDnnTrainingMode.Disabled"/>.
    /// </summary>
    /// <returns>The section; dispose it to end it.</returns>
    public static IDisposable SuspendOneDnn()
    {
        EnsureConfigured();
        return OneDnnGate.Enter();
    }

    /// <summary>Parses a mode name as used by <see cref="OneDnnTrainingVariable"/>.</summary>
    /// <param name="text"><c>forward-only</c>, <c>disabled</c> or <c>libtorch-default</c> (case-insensitive).</param>
    /// <returns>The mode.</returns>
    /// <exception cref="ArgumentException">Any other text.</exception>
    public static OneDnnTrainingMode ParseOneDnnTrainingMode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Trim().ToUpperInvariant() switch
        {
            "FORWARD-ONLY" or "FORWARDONLY" => OneDnnTrainingMode.ForwardOnly,
            "DISABLED" or "OFF" => OneDnnTrainingMode.Disabled,
            "LIBTORCH-DEFAULT" or "LIBTORCHDEFAULT" => OneDnnTrainingMode.LibTorchDefault,
            _ => throw new ArgumentException(
                $"'{text}' is not a oneDNN training mode; use forward-only, disabled or libtorch-default.", nameof(text)),
        };
    }

    /// <summary>Names a mode the way <see cref="ParseOneDnnTrainingMode"/> reads it.</summary>
    /// <param name="mode">The mode.</param>
    /// <returns>The name, e.g. <c>forward-only</c>.</returns>
    public static string FormatOneDnnTrainingMode(OneDnnTrainingMode mode) => mode switch
    {
        OneDnnTrainingMode.ForwardOnly => "forward-only",
        OneDnnTrainingMode.Disabled => "disabled",
        OneDnnTrainingMode.LibTorchDefault => "libtorch-default",
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown oneDNN training mode."),
    };

    private static void EnsureConfigured()
    {
        if (!_configured)
        {
            Configure();
        }
    }

    private static OneDnnTrainingMode ReadModeFromEnvironment()
    {
        string? text = Environment.GetEnvironmentVariable(OneDnnTrainingVariable);
        return string.IsNullOrWhiteSpace(text) ? OneDnnTrainingMode.ForwardOnly : ParseOneDnnTrainingMode(text);
    }
}
