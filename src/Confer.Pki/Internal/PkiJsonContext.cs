using System.Text.Json.Serialization;

namespace Confer.Pki.Internal;

/// <summary>Source-generated JSON for the database and the package manifests: only these shapes are ever read.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    UseStringEnumConverter = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Disallow)]
[JsonSerializable(typeof(DatabaseDocument))]
[JsonSerializable(typeof(RequestManifest))]
[JsonSerializable(typeof(SignedManifest))]
internal sealed partial class PkiJsonContext : JsonSerializerContext;
