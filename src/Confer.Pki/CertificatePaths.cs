namespace Confer.Pki;

/// <summary>
/// Where the PKI keeps its files in a workspace, at OpenFL's paths so its users find them:
/// <c>cert/cert_chain.crt</c>, <c>cert/server/agg_FQDN.crt|.key|.csr</c>, <c>cert/client/col_NAME.crt|.key|.csr</c>,
/// and the certificate authority under <c>cert/ca/</c>.
/// </summary>
public sealed class CertificatePaths
{
    /// <summary>Creates the paths for the workspace at <paramref name="workspaceDirectory"/>.</summary>
    /// <param name="workspaceDirectory">The workspace folder (the one holding <c>plan/</c> and <c>cert/</c>).</param>
    public CertificatePaths(string workspaceDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(workspaceDirectory);
        WorkspaceDirectory = Path.GetFullPath(workspaceDirectory);
        CertDirectory = Path.Combine(WorkspaceDirectory, "cert");
        CaDirectory = Path.Combine(CertDirectory, "ca");
        ServerDirectory = Path.Combine(CertDirectory, "server");
        ClientDirectory = Path.Combine(CertDirectory, "client");
    }

    /// <summary>The workspace folder, as an absolute path.</summary>
    public string WorkspaceDirectory { get; }

    /// <summary><c>cert/</c>.</summary>
    public string CertDirectory { get; }

    /// <summary><c>cert/ca/</c>: the certificate authority's certificates, keys, database and CRL. Only the CA node has it.</summary>
    public string CaDirectory { get; }

    /// <summary><c>cert/server/</c>: the aggregator's key, CSR and certificate.</summary>
    public string ServerDirectory { get; }

    /// <summary><c>cert/client/</c>: collaborators' keys, CSRs and certificates.</summary>
    public string ClientDirectory { get; }

    /// <summary><c>cert/cert_chain.crt</c>: the signing CA then the root CA, PEM. Every node trusts the federation through it.</summary>
    public string CertChain => Path.Combine(CertDirectory, "cert_chain.crt");

    /// <summary><c>cert/ca/root_ca.crt</c>.</summary>
    public string RootCaCertificate => Path.Combine(CaDirectory, "root_ca.crt");

    /// <summary><c>cert/ca/root_ca/private/root_ca.key</c> (PKCS#8 PEM, mode 0600).</summary>
    public string RootCaKey => Path.Combine(CaDirectory, "root_ca", "private", "root_ca.key");

    /// <summary><c>cert/ca/signing_ca.crt</c>.</summary>
    public string SigningCaCertificate => Path.Combine(CaDirectory, "signing_ca.crt");

    /// <summary><c>cert/ca/signing_ca/private/signing_ca.key</c> (PKCS#8 PEM, mode 0600).</summary>
    public string SigningCaKey => Path.Combine(CaDirectory, "signing_ca", "private", "signing_ca.key");

    /// <summary><c>cert/ca/certificates.json</c>: every certificate the CA issued, with its revocation state.</summary>
    public string Database => Path.Combine(CaDirectory, "certificates.json");

    /// <summary><c>cert/ca/signing_ca.crl</c>: the signing CA's certificate revocation list, PEM, rewritten on every revocation.</summary>
    public string RevocationList => Path.Combine(CaDirectory, "signing_ca.crl");

    /// <summary><c>cert/server/agg_FQDN.crt</c>.</summary>
    /// <param name="fqdn">The aggregator FQDN; normalized with <see cref="PkiNames.NormalizeAggregatorFqdn"/>.</param>
    /// <returns>The path.</returns>
    public string AggregatorCertificate(string fqdn) => Path.Combine(ServerDirectory, $"agg_{PkiNames.NormalizeAggregatorFqdn(fqdn)}.crt");

    /// <summary><c>cert/server/agg_FQDN.key</c> (PKCS#8 PEM, mode 0600).</summary>
    /// <param name="fqdn">The aggregator FQDN; normalized with <see cref="PkiNames.NormalizeAggregatorFqdn"/>.</param>
    /// <returns>The path.</returns>
    public string AggregatorKey(string fqdn) => Path.Combine(ServerDirectory, $"agg_{PkiNames.NormalizeAggregatorFqdn(fqdn)}.key");

    /// <summary><c>cert/server/agg_FQDN.csr</c>.</summary>
    /// <param name="fqdn">The aggregator FQDN; normalized with <see cref="PkiNames.NormalizeAggregatorFqdn"/>.</param>
    /// <returns>The path.</returns>
    public string AggregatorRequest(string fqdn) => Path.Combine(ServerDirectory, $"agg_{PkiNames.NormalizeAggregatorFqdn(fqdn)}.csr");

    /// <summary><c>cert/client/col_NAME.crt</c>.</summary>
    /// <param name="name">The collaborator label; validated with <see cref="PkiNames.ValidateCollaboratorName"/>.</param>
    /// <returns>The path.</returns>
    public string CollaboratorCertificate(string name) => Path.Combine(ClientDirectory, $"{CollaboratorBaseName(name)}.crt");

    /// <summary><c>cert/client/col_NAME.key</c> (PKCS#8 PEM, mode 0600).</summary>
    /// <param name="name">The collaborator label; validated with <see cref="PkiNames.ValidateCollaboratorName"/>.</param>
    /// <returns>The path.</returns>
    public string CollaboratorKey(string name) => Path.Combine(ClientDirectory, $"{CollaboratorBaseName(name)}.key");

    /// <summary><c>cert/client/col_NAME.csr</c>.</summary>
    /// <param name="name">The collaborator label; validated with <see cref="PkiNames.ValidateCollaboratorName"/>.</param>
    /// <returns>The path.</returns>
    public string CollaboratorRequest(string name) => Path.Combine(ClientDirectory, $"{CollaboratorBaseName(name)}.csr");

    /// <summary>The file name of a collaborator's request package: <c>col_NAME_to_agg_cert_request.zip</c>.</summary>
    /// <param name="name">The collaborator label; validated with <see cref="PkiNames.ValidateCollaboratorName"/>.</param>
    /// <returns>The file name, without a folder.</returns>
    public static string RequestPackageFileName(string name) => $"{CollaboratorBaseName(name)}_to_agg_cert_request.zip";

    /// <summary>The file name of the package the CA sends back: <c>agg_to_col_NAME_signed_cert.zip</c>.</summary>
    /// <param name="name">The collaborator label; validated with <see cref="PkiNames.ValidateCollaboratorName"/>.</param>
    /// <returns>The file name, without a folder.</returns>
    public static string SignedPackageFileName(string name) => $"agg_to_{CollaboratorBaseName(name)}_signed_cert.zip";

    private static string CollaboratorBaseName(string name)
    {
        PkiNames.ValidateCollaboratorName(name);
        return $"col_{name}";
    }
}
