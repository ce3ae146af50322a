using System.Collections.Immutable;
using System.Text.Json;
using Confer.Pki.Internal;

namespace Confer.Pki;

/// <summary>
/// A snapshot of the federation's certificate database, <c>cert/ca/certificates.json</c>: every
/// certificate the CA issued, by serial number, with its kind, name, validity and revocation state.
/// The file is JSON, replaced atomically (written to a temporary file, then renamed) on every change,
/// so a reader never sees a half-written database.
/// </summary>
public sealed class CertificateDatabase
{
    private readonly ImmutableDictionary<string, CertificateRecord> _bySerial;

    private CertificateDatabase(ImmutableArray<CertificateRecord> certificates, long crlNumber)
    {
        Certificates = certificates;
        CrlNumber = crlNumber;
        _bySerial = certificates.ToImmutableDictionary(r => r.SerialNumber, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Every certificate issued, in issue order.</summary>
    public ImmutableArray<CertificateRecord> Certificates { get; }

    /// <summary>The number of the last certificate revocation list written; 0 before the first.</summary>
    public long CrlNumber { get; }

    internal static CertificateDatabase Empty { get; } = new([], 0);

    /// <summary>Reads the database at <paramref name="path"/>.</summary>
    /// <param name="path">Usually <see cref="CertificatePaths.Database"/>.</param>
    /// <returns>The snapshot.</returns>
    /// <exception cref="PkiException">The file is missing (<see cref="PkiError.CaMissing"/>) or unreadable (<see cref="PkiError.DatabaseInvalid"/>).</exception>
    public static CertificateDatabase Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new PkiException(PkiError.CaMissing, $"The certificate database '{path}' does not exist. Run `confer workspace certify` in the aggregator's workspace to create the federation's CA.");
        }

        try
        {
            var document = JsonSerializer.Deserialize(SecureFile.ReadBounded(path, 64 * 1024 * 1024, "Certificate database"), PkiJsonContext.Default.DatabaseDocument)
                ?? throw new JsonException("the document is null");
            if (document.Version != DatabaseDocument.CurrentVersion)
            {
                throw new PkiException(PkiError.DatabaseInvalid, $"The certificate database '{path}' has version {document.Version}; this Confer reads version {DatabaseDocument.CurrentVersion}. Use the Confer release that wrote it.");
            }

            var duplicate = document.Certificates.GroupBy(r => r.SerialNumber, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null)
            {
                throw new PkiException(PkiError.DatabaseInvalid, $"The certificate database '{path}' lists serial number {duplicate.Key} twice; restore it from a backup.");
            }

            return new CertificateDatabase([.. document.Certificates], document.CrlNumber);
        }
        catch (JsonException ex)
        {
            throw new PkiException(PkiError.DatabaseInvalid, $"The certificate database '{path}' is not valid JSON: {ex.Message}. Restore it from a backup; do not edit it by hand.", ex);
        }
    }

    /// <summary>The record for a serial number, or <see langword="null"/> when this CA never issued it.</summary>
    /// <param name="serialNumber">Hexadecimal serial number, any case.</param>
    /// <returns>The record, or <see langword="null"/>.</returns>
    public CertificateRecord? FindBySerialNumber(string serialNumber) =>
        _bySerial.TryGetValue(serialNumber, out var record) ? record : null;

    /// <summary>Every certificate issued to <paramref name="name"/> as <paramref name="kind"/>, oldest first.</summary>
    /// <param name="kind">The kind of certificate.</param>
    /// <param name="name">The collaborator label or the aggregator FQDN.</param>
    /// <returns>The records, possibly none.</returns>
    public IEnumerable<CertificateRecord> FindByName(CertificateKind kind, string name) =>
        Certificates.Where(r => r.Kind == kind && string.Equals(r.Name, name, StringComparison.Ordinal));

    internal CertificateDatabase With(IEnumerable<CertificateRecord> certificates, long crlNumber) => new([.. certificates], crlNumber);

    internal void Save(string path)
    {
        var document = new DatabaseDocument { CrlNumber = CrlNumber, Certificates = [.. Certificates] };
        SecureFile.WriteAllBytes(path, JsonSerializer.SerializeToUtf8Bytes(document, PkiJsonContext.Default.DatabaseDocument), SecureFile.PrivateMode);
    }
}
