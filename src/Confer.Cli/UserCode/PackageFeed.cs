namespace Confer.Cli.UserCode;

/// <summary>
/// The local NuGet feed a workspace's code restores Confer's packages from: <c>$CONFER_PACKAGES</c>,
/// else the <c>artifacts/packages</c> folder of the source checkout this tool was built in
/// (<c>bash scripts/pack.sh</c> fills it). Without either, the code restores from the sources
/// NuGet is configured with.
/// </summary>
internal static class PackageFeed
{
    public const string Variable = "CONFER_PACKAGES";

    public static string? Find()
    {
        string? configured = Environment.GetEnvironmentVariable(Variable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Path.GetFullPath(configured);
        }

        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            string candidate = Path.Combine(folder.FullName, "artifacts", "packages");
            if (File.Exists(Path.Combine(folder.FullName, "Confer.slnx")) && Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
