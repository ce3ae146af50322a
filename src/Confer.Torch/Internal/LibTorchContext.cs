using System.Runtime.InteropServices;

namespace Confer.Torch.Internal;

/// <summary>
/// Calls into libtorch's global context (<c>at::globalContext()</c>), which TorchSharp does not
/// expose. The functions are C++ members reached by their Itanium-mangled names, so they are
/// checked once when first used: a libtorch that renamed or dropped one fails with a message
/// naming the missing symbols instead of crashing on a bad pointer.
/// </summary>
internal static unsafe class LibTorchContext
{
    /// <summary><c>at::globalContext()</c>.</summary>
    internal const string GlobalContextSymbol = "_ZN2at13globalContextEv";

    /// <summary><c>at::Context::setUserEnabledMkldnn(bool)</c>.</summary>
    internal const string SetUserEnabledMkldnnSymbol = "_ZN2at7Context20setUserEnabledMkldnnEb";

    /// <summary><c>at::Context::userEnabledMkldnn() const</c>.</summary>
    internal const string UserEnabledMkldnnSymbol = "_ZNK2at7Context17userEnabledMkldnnEv";

    /// <summary><c>at::Context::setUserEnabledNNPACK(bool)</c>.</summary>
    internal const string SetUserEnabledNnpackSymbol = "_ZN2at7Context20setUserEnabledNNPACKEb";

    private const string LibraryName = "libtorch_cpu.so";

    private static readonly Lazy<Functions> Resolved = new(Resolve, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The symbols this class needs, for messages and documentation.</summary>
    internal static IReadOnlyList<string> RequiredSymbols { get; } =
    [
        GlobalContextSymbol,
        SetUserEnabledMkldnnSymbol,
        UserEnabledMkldnnSymbol,
        SetUserEnabledNnpackSymbol,
    ];

    /// <summary>Resolves the symbols (once) and throws when one is missing.</summary>
    /// <exception cref="TorchRuntimeException">libtorch_cpu cannot be found or lacks a symbol.</exception>
    internal static void EnsureAvailable() => _ = Resolved.Value;

    /// <summary>Whether libtorch may dispatch CPU operators to oneDNN (mkldnn).</summary>
    internal static bool UserEnabledMkldnn
    {
        get
        {
            Functions f = Resolved.Value;
            return ((delegate* unmanaged<IntPtr, byte>)f.UserEnabledMkldnn)(f.Context) != 0;
        }

        set
        {
            Functions f = Resolved.Value;
            ((delegate* unmanaged<IntPtr, byte, void>)f.SetUserEnabledMkldnn)(f.Context, value ? (byte)1 : (byte)0);
        }
    }

    /// <summary>Sets whether libtorch may use NNPACK for convolutions.</summary>
    /// <param name="enabled">The new setting.</param>
    internal static void SetUserEnabledNnpack(bool enabled)
    {
        Functions f = Resolved.Value;
        ((delegate* unmanaged<IntPtr, byte, void>)f.SetUserEnabledNnpack)(f.Context, enabled ? (byte)1 : (byte)0);
    }

    private static Functions Resolve()
    {
        // TorchSharp loads libtorch_cpu before the first tensor exists; creating one makes sure
        // the library is mapped, so the lookup below finds the instance TorchSharp uses.
        using (TorchSharp.torch.zeros(1))
        {
        }

        IntPtr library = LoadLibTorchCpu();
        var missing = new List<string>();
        IntPtr Export(string symbol)
        {
            if (NativeLibrary.TryGetExport(library, symbol, out IntPtr address))
            {
                return address;
            }

            missing.Add(symbol);
            return IntPtr.Zero;
        }

        IntPtr globalContext = Export(GlobalContextSymbol);
        IntPtr setMkldnn = Export(SetUserEnabledMkldnnSymbol);
        IntPtr getMkldnn = Export(UserEnabledMkldnnSymbol);
        IntPtr setNnpack = Export(SetUserEnabledNnpackSymbol);
        if (missing.Count > 0)
        {
            throw new TorchRuntimeException(
                $"{LibraryName} does not export {string.Join(", ", missing)}. Confer switches oneDNN off for training through these " +
                "libtorch functions (see docs/torch.md); the libtorch version in use has changed them. Look up the new mangled names with " +
                $"`nm -D --defined-only runtimes/linux-x64/native/{LibraryName} | grep -E 'globalContext|UserEnabled(Mkldnn|NNPACK)'` and update Confer.Torch.");
        }

        IntPtr context = ((delegate* unmanaged<IntPtr>)globalContext)();
        return new Functions(context, setMkldnn, getMkldnn, setNnpack);
    }

    private static IntPtr LoadLibTorchCpu()
    {
        // dlopen by name returns the copy already mapped by TorchSharp; the explicit paths cover
        // hosts whose loader search path does not include the application's native folder.
        if (NativeLibrary.TryLoad(LibraryName, out IntPtr handle))
        {
            return handle;
        }

        string[] candidates =
        [
            Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", LibraryName),
            Path.Combine(AppContext.BaseDirectory, LibraryName),
            Path.Combine(Path.GetDirectoryName(typeof(TorchSharp.torch).Assembly.Location) ?? AppContext.BaseDirectory, LibraryName),
        ];
        foreach (string candidate in candidates)
        {
            if (File.Exists(candidate) && NativeLibrary.TryLoad(candidate, out handle))
            {
                return handle;
            }
        }

        throw new TorchRuntimeException(
            $"Cannot load {LibraryName}; looked in the loader path and {string.Join(", ", candidates)}. Is the libtorch-cpu-linux-x64 package referenced?");
    }

    private sealed record Functions(IntPtr Context, IntPtr SetUserEnabledMkldnn, IntPtr UserEnabledMkldnn, IntPtr SetUserEnabledNnpack);
}
