namespace Confidant.Services.Kms;

// The local key ring has no grants: nothing to list, and asking to change grants is a request error.
internal sealed class LocalKmsGrantManager : IKmsGrantManager
{
    private const string NotSupported = "grants are not supported by the local key ring";

    public bool SupportsGrants => false;

    public Task<IReadOnlyList<KmsGrant>> ListGrantsAsync(string keyId, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<KmsGrant>>([]);

    public Task<string> CreateGrantAsync(
        string keyId,
        string granteePrincipal,
        IReadOnlyList<string> operations,
        IReadOnlyDictionary<string, string> encryptionContextSubset,
        CancellationToken cancellationToken = default) =>
        throw new KeyServiceException(KeyServiceError.InvalidRequest, NotSupported);

    public Task RevokeGrantAsync(string keyId, string grantId, CancellationToken cancellationToken = default) =>
        throw new KeyServiceException(KeyServiceError.InvalidRequest, NotSupported);
}
