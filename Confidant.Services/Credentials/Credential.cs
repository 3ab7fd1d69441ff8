using System.Text.Json;
using Confidant.Services.Storage;

namespace Confidant.Services.Credentials;

/// <summary>
/// A credential as callers see it: the stored item, its key names, the decrypted pairs when the caller may see them,
/// and the computed next rotation date (spec §4.0, §9.6).
/// </summary>
public sealed record Credential(
    CredentialItem Item,
    IReadOnlyList<string> Keys,
    CredentialPairs? Pairs,
    DateTimeOffset? NextRotationDate);

/// <summary>
/// What a caller submits to create or update a credential. Null means "not given": on update the stored value is
/// kept. <see cref="Metadata"/> must be a JSON object.
/// </summary>
public sealed record CredentialInput
{
    public string? Name { get; init; }
    public IReadOnlyList<KeyValuePair<string, JsonElement>>? Pairs { get; init; }
    public JsonElement? Metadata { get; init; }
    public bool? Enabled { get; init; }
    public string? Documentation { get; init; }
    public IReadOnlyList<string>? Tags { get; init; }

    /// <summary>
    /// The revision the caller last saw. When set, the update fails with a conflict if the credential has moved on
    /// (a concurrent edit is never overwritten silently); when null, the update applies to the latest revision.
    /// </summary>
    public int? ExpectedRevision { get; init; }

    /// <summary>Spec §9.2: a truthy body <c>revision</c> bypasses the documentation requirement.</summary>
    public bool BypassDocumentationRequirement { get; init; }
}
