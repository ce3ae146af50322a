using System.Text;
using System.Text.RegularExpressions;

namespace Confer.Plan;

/// <summary>
/// <c>confer plan freeze</c>: rewrites the plan file as its canonical form (defaults inlined,
/// every setting explicit) and writes its SHA-384 beside it as <c>plan.yaml.sha384</c> in
/// <c>sha384sum</c> format, so <c>sha384sum -c plan/plan.yaml.sha384</c> confirms it by hand.
/// From then on <see cref="PlanLoader"/> refuses the plan if its hash differs.
/// </summary>
public static partial class PlanFreezer
{
    /// <summary>The suffix of the hash file written beside the plan file.</summary>
    public const string HashFileSuffix = ".sha384";

    /// <summary>The suffix of the file beside a frozen plan that lists its workspace code's files and their SHA-256 (<c>plan/plan.yaml.code.sha256</c>).</summary>
    public const string CodeManifestSuffix = ".code.sha256";

    /// <summary>Freezes <paramref name="plan"/> in its workspace.</summary>
    /// <param name="plan">A plan loaded with <see cref="PlanLoadOptions.VerifyFrozenHash"/> off when re-freezing an edited plan.</param>
    /// <returns>The files written and the hash.</returns>
    public static FrozenPlanFiles Freeze(FederationPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var planPath = Path.Combine(plan.WorkspaceDirectory, plan.PlanFile);
        var hashPath = planPath + HashFileSuffix;
        var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        // With workspace code, the frozen file ends with the comment line naming the code's hash, so its
        // bytes hash to the federation id (sha384sum -c) exactly as a plan without code does.
        WriteReplacing(planPath, plan.CodeHash is null ? plan.CanonicalYaml : plan.CanonicalYaml + PlanLoader.CodeLine(plan.CodeHash), utf8);
        WriteReplacing(hashPath, $"{plan.Hash}  {Path.GetFileName(planPath)}\n", utf8);
        var manifestPath = planPath + CodeManifestSuffix;
        if (plan.CodeHash is null)
        {
            File.Delete(manifestPath);
        }
        else
        {
            // Which files the frozen code had, so a later change can be named file by file.
            WriteReplacing(manifestPath, WorkspaceCodeHash.Manifest(plan.WorkspaceDirectory), utf8);
        }

        return new FrozenPlanFiles(planPath, hashPath, plan.Hash);
    }

    /// <summary>The hash recorded beside a plan file, or <see langword="null"/> when the plan is not frozen.</summary>
    /// <param name="workspaceDirectory">The workspace folder.</param>
    /// <param name="planFile">The plan file relative to the workspace. Default <c>plan/plan.yaml</c>.</param>
    /// <returns>96 lowercase hex digits, or <see langword="null"/>.</returns>
    /// <exception cref="PlanValidationException">The hash file exists but does not start with a SHA-384 hex digest.</exception>
    public static string? ReadFrozenHash(string workspaceDirectory, string planFile = "plan/plan.yaml")
    {
        ArgumentNullException.ThrowIfNull(workspaceDirectory);
        ArgumentNullException.ThrowIfNull(planFile);
        var hashPath = Path.Combine(workspaceDirectory, planFile + HashFileSuffix);
        if (!File.Exists(hashPath))
        {
            return null;
        }

        var text = File.ReadAllText(hashPath).Trim();
        var digest = text.Split([' ', '\t', '\n'], 2)[0].ToLowerInvariant();
        if (!Sha384Hex().IsMatch(digest))
        {
            throw new PlanValidationException([new PlanProblem(planFile + HashFileSuffix, 1, 1,
                "The frozen plan's hash file must start with the 96 hex digits of a SHA-384; run `confer plan freeze` again.")]);
        }

        return digest;
    }

    // A crash mid-write must not leave a half-written plan or hash: write aside, then rename over.
    private static void WriteReplacing(string path, string text, Encoding encoding)
    {
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, text, encoding);
        File.Move(temporary, path, overwrite: true);
    }

    [GeneratedRegex("^[0-9a-f]{96}$", RegexOptions.CultureInvariant)]
    private static partial Regex Sha384Hex();
}
