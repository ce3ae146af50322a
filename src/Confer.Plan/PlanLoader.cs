using System.Security.Cryptography;
using System.Text;
using Confer.Plan.Internal;

namespace Confer.Plan;

/// <summary>
/// Loads a workspace's plan: parses <c>plan/plan.yaml</c> and the defaults files it names,
/// <c>plan/cols.yaml</c> and <c>plan/data.yaml</c>; validates everything against the fixed
/// sections and the <see cref="PlanTypeRegistry"/>; and returns the typed plan with its
/// canonical form and hash. Every problem in every file is reported at once.
/// </summary>
/// <param name="registry">The names the plan may use; usually <see cref="PlanTypeRegistry.CreateDefault"/> plus the workspace's exports.</param>
public sealed class PlanLoader(PlanTypeRegistry registry)
{
    private readonly PlanTypeRegistry _registry = registry ?? throw new ArgumentNullException(nameof(registry));

    /// <summary>Loads and validates the plan of <paramref name="workspaceDirectory"/>.</summary>
    /// <param name="workspaceDirectory">The workspace folder; every path in the plan is relative to it.</param>
    /// <param name="options">Where the files are; <see cref="PlanLoadOptions.Default"/> when <see langword="null"/>.</param>
    /// <returns>The validated plan.</returns>
    /// <exception cref="PlanValidationException">The plan or one of its files has problems; all are listed.</exception>
    /// <exception cref="PlanFrozenException">The plan was frozen and has changed since (unless <see cref="PlanLoadOptions.VerifyFrozenHash"/> is off).</exception>
    public FederationPlan Load(string workspaceDirectory, PlanLoadOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(workspaceDirectory);
        options ??= PlanLoadOptions.Default;
        var workspace = new PlanWorkspace(workspaceDirectory);
        var problems = new ProblemCollector();

        var planFile = RequireRelative(options.PlanFile, nameof(options.PlanFile));
        var colsFile = RequireRelative(options.CollaboratorsFile, nameof(options.CollaboratorsFile));
        var dataFile = RequireRelative(options.DataFile, nameof(options.DataFile));

        workspace.TryRead(colsFile, allowBuiltIn: false, out var colsText, out _);
        var authorized = CollaboratorFiles.ReadCollaborators(colsFile, colsText, problems);
        workspace.TryRead(dataFile, allowBuiltIn: false, out var dataText, out _);
        var data = CollaboratorFiles.ReadData(dataFile, dataText, problems);

        PlanBinder.Result? bound = null;
        if (!workspace.TryRead(planFile, allowBuiltIn: false, out var planText, out _))
        {
            problems.Add(SourceLocation.StartOf(planFile), $"The plan file does not exist: {workspace.FullPath(planFile)}.");
        }
        else
        {
            var root = YamlFileReader.Read(planFile, planText, problems, out var failed);
            if (!failed)
            {
                if (root is null or PlanMapNode)
                {
                    var map = root as PlanMapNode ?? new PlanMapNode(SourceLocation.StartOf(planFile), []);
                    bound = new PlanBinder(_registry, workspace, problems, authorized).Bind(map);
                }
                else
                {
                    problems.Add(root.Location, $"A plan must be a mapping of sections (aggregator, collaborator, ...), not {root.KindName}.");
                }
            }
        }

        if (problems.Count > 0 || bound is null)
        {
            throw new PlanValidationException(problems.Problems);
        }

        var canonical = CanonicalYamlWriter.Write(bound.Canonical);
        var codeHash = WorkspaceCodeHash.Compute(workspace.Root);
        var hash = ComputeHash(canonical, codeHash);
        var frozenHash = PlanFreezer.ReadFrozenHash(workspace.Root, planFile);
        if (frozenHash is not null && options.VerifyFrozenHash && !string.Equals(frozenHash, hash, StringComparison.Ordinal))
        {
            var manifest = Path.Combine(workspace.Root, planFile + PlanFreezer.CodeManifestSuffix);
            var changes = File.Exists(manifest) ? WorkspaceCodeHash.Changes(workspace.Root, File.ReadAllText(manifest)) : [];
            if (changes.Count > 0)
            {
                throw new PlanFrozenException(
                    $"The workspace code changed after the plan was frozen ({string.Join(", ", changes)}; {planFile + PlanFreezer.CodeManifestSuffix} lists the frozen files). "
                    + "Every node must run the code the plan was frozen with: restore it (a collaborator imports the aggregator's export again), or, on the aggregator, run `confer plan freeze --force` and export again.",
                    frozenHash,
                    hash);
            }

            throw new PlanFrozenException(planFile, planFile + PlanFreezer.HashFileSuffix, frozenHash, hash);
        }

        return new FederationPlan(workspace.Root, planFile)
        {
            Aggregator = bound.Aggregator,
            Collaborator = bound.Collaborator,
            DataLoader = bound.DataLoader,
            TaskRunner = bound.TaskRunner,
            Network = bound.AggregatorPortAuto ? bound.Network with { AggregatorPort = AutoPort(ComputeHash(canonical)) } : bound.Network,
            Assigner = bound.Assigner,
            Tasks = bound.Tasks,
            Strategy = bound.Strategy,
            StragglerPolicy = bound.StragglerPolicy,
            AuthorizedCollaborators = authorized,
            CollaboratorData = data,
            CanonicalYaml = canonical,
            CanonicalValue = bound.Canonical,
            Hash = hash,
            CodeHash = codeHash,
            Warnings = [.. problems.Warnings],
            FrozenHash = frozenHash,
        };
    }

    /// <summary>The federation id of a canonical plan text: the lowercase hex SHA-384 of its UTF-8 bytes.</summary>
    /// <param name="canonicalYaml">The canonical plan.</param>
    /// <returns>96 lowercase hex digits.</returns>
    public static string ComputeHash(string canonicalYaml)
    {
        ArgumentNullException.ThrowIfNull(canonicalYaml);
        return Convert.ToHexStringLower(SHA384.HashData(Encoding.UTF8.GetBytes(canonicalYaml)));
    }

    /// <summary>The federation id of a canonical plan and the hash of the workspace's code: the SHA-384 of the plan, followed, when there is code, by a line naming the code's hash.</summary>
    /// <param name="canonicalYaml">The canonical plan.</param>
    /// <param name="codeHash">The <see cref="WorkspaceCodeHash"/> of the workspace's <c>code/</c>; <see langword="null"/> when it has none (the id is then <see cref="ComputeHash(string)"/>'s).</param>
    /// <returns>96 lowercase hex digits.</returns>
    public static string ComputeHash(string canonicalYaml, string? codeHash) =>
        codeHash is null ? ComputeHash(canonicalYaml) : ComputeHash(canonicalYaml + CodeLine(codeHash));

    /// <summary>
    /// The aggregator's port for <c>agg_port: auto</c>, derived from the plan hash as OpenFL derives it:
    /// the first 8 hex digits, modulo 11847, plus 49152 (a port in 49152–60998). Confer's hash is over its
    /// canonical form, so the port is not the one OpenFL would pick for the same file.
    /// </summary>
    /// <param name="planHash">The canonical plan's SHA-384 (without the code).</param>
    /// <returns>The port.</returns>
    public static int AutoPort(string planHash)
    {
        ArgumentNullException.ThrowIfNull(planHash);
        return (int)(Convert.ToUInt32(planHash[..8], 16) % (60999 - 49152)) + 49152;
    }

    /// <summary>The line that follows the canonical plan in the federation id (and in a frozen plan file) when the workspace has code.</summary>
    internal static string CodeLine(string codeHash) => $"# code/ sha256 {codeHash}\n";

    private static string RequireRelative(string path, string name) =>
        PlanWorkspace.Normalize(path) ?? throw new ArgumentException($"'{path}' must be a path relative to the workspace, inside it.", name);
}
