using Confidant.Services.Kms;

namespace Confidant.Services.Faults;

/// <summary>
/// The kmsauth grant calls (spec §8.4) behind the key service's <see cref="CallGuard"/>: they go to the same KMS and
/// get the same time limit, so a stalled KMS cannot hold a service write or a grant check.
/// </summary>
internal sealed class GuardedKmsGrantManager(IKmsGrantManager inner, CallGuard guard) : IKmsGrantManager
{
    public bool SupportsGrants => inner.SupportsGrants;

    public Task<IReadOnlyList<KmsGrant>> ListGrantsAsync(string keyId, CancellationToken cancellationToken = default) =>
        guard.RunAsync("ListGrants", token => inner.ListGrantsAsync(keyId, token), cancellationToken);

    public Task<string> CreateGrantAsync(
        string keyId,
        string granteePrincipal,
        IReadOnlyList<string> operations,
        IReadOnlyDictionary<string, string> encryptionContextSubset,
        CancellationToken cancellationToken = default) =>
        guard.RunAsync("CreateGrant", token => inner.CreateGrantAsync(keyId, granteePrincipal, operations, encryptionContextSubset, token), cancellationToken);

    public Task RevokeGrantAsync(string keyId, string grantId, CancellationToken cancellationToken = default) =>
        guard.RunAsync("RevokeGrant", token => inner.RevokeGrantAsync(keyId, grantId, token), cancellationToken);
}
