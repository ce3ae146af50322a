using System.Reflection;
using System.Runtime.Loader;

namespace Confer.Cli.UserCode;

/// <summary>
/// The load context of a workspace's built code. Assemblies the tool itself carries (Confer's,
/// TorchSharp, Microsoft.Extensions, the framework) come from the tool, so the contract types a
/// workspace implements are the very ones the tool checks for and TorchSharp's native library is
/// loaded once; every other dependency of the code (a CSV parser, say) is loaded here from the
/// build output, beside the tool's own and never mixed with them.
/// </summary>
internal sealed class WorkspaceLoadContext : AssemblyLoadContext
{
    private static readonly Lazy<HashSet<string>> HostAssemblies = new(ReadHostAssemblies);
    private readonly AssemblyDependencyResolver _resolver;

    public WorkspaceLoadContext(string mainAssemblyPath)
        : base($"workspace code {Path.GetFileNameWithoutExtension(mainAssemblyPath)}", isCollectible: false)
    {
        _resolver = new AssemblyDependencyResolver(mainAssemblyPath);
    }

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (assemblyName.Name is { } name && HostAssemblies.Value.Contains(name))
        {
            return null;
        }

        string? path = _resolver.ResolveAssemblyToPath(assemblyName);
        return path is null ? null : LoadFromAssemblyPath(path);
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        string? path = _resolver.ResolveUnmanagedDllToPath(unmanagedDllName);
        return path is null ? IntPtr.Zero : LoadUnmanagedDllFromPath(path);
    }

    // The trusted platform assemblies: the framework's and every assembly of the tool's deps.json.
    private static HashSet<string> ReadHostAssemblies()
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") is string list)
        {
            foreach (string path in list.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            {
                names.Add(Path.GetFileNameWithoutExtension(path));
            }
        }

        foreach (Assembly loaded in Default.Assemblies)
        {
            if (loaded.GetName().Name is { } name)
            {
                names.Add(name);
            }
        }

        return names;
    }
}
