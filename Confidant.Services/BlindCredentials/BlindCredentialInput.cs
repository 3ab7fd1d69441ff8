using System.Text.Json;

namespace Confidant.Services.BlindCredentials;

/// <summary>
/// A blind credential write (spec §4.4). The server never sees clear values: pairs and data keys are client-side
/// ciphertexts per region. Null means "not given" (kept on update).
/// </summary>
public sealed record BlindCredentialInput
{
    public string? Name { get; init; }

    /// <summary>JSON object: region → ciphertext.</summary>
    public JsonElement? CredentialPairs { get; init; }

    /// <summary>JSON object: region → base64 KMS ciphertext of the data key.</summary>
    public JsonElement? DataKey { get; init; }

    public string? CipherType { get; init; }
    public int? CipherVersion { get; init; }
    public IReadOnlyList<string>? CredentialKeys { get; init; }
    public JsonElement? Metadata { get; init; }
    public bool? Enabled { get; init; }
    public string? Documentation { get; init; }
    public int? ExpectedRevision { get; init; }
    public bool BypassDocumentationRequirement { get; init; }
}
