namespace Confidant.Services.Kms;

/// <summary>KMS grants on the auth key (spec §8.4).</summary>
public interface IKmsGrantManager
{
    /// <summary>False when the backend has no grants (the local key ring): callers report "not managed".</summary>
    bool SupportsGrants { get; }

    Task<IReadOnlyList<KmsGrant>> ListGrantsAsync(string keyId, CancellationToken cancellationToken = default);

    Task<string> CreateGrantAsync(
        string keyId,
        string granteePrincipal,
        IReadOnlyList<string> operations,
        IReadOnlyDictionary<string, string> encryptionContextSubset,
        CancellationToken cancellationToken = default);

    Task RevokeGrantAsync(string keyId, string grantId, CancellationToken cancellationToken = default);
}

public sealed record KmsGrant(
    string GrantId,
    string GranteePrincipal,
    IReadOnlyList<string> Operations,
    IReadOnlyDictionary<string, string> EncryptionContextSubset);
