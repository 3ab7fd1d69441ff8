using Amazon.KeyManagementService;
using Amazon.KeyManagementService.Model;

namespace Confidant.Services.Kms;

// KMS grants (spec §8.4): list with NextMarker paging, create with an EncryptionContextSubset, revoke.
internal sealed class AwsKmsGrantManager(IAmazonKeyManagementService kms) : IKmsGrantManager
{
    // Spec §8.4: the first ListGrants call carries no limit, the follow-up pages ask for 250.
    private const int PageLimit = 250;

    public bool SupportsGrants => true;

    public Task<IReadOnlyList<KmsGrant>> ListGrantsAsync(string keyId, CancellationToken cancellationToken = default) =>
        AwsKmsErrors.CallAsync<IReadOnlyList<KmsGrant>>("ListGrants", keyId, async () =>
        {
            var grants = new List<KmsGrant>();
            var request = new ListGrantsRequest { KeyId = keyId };
            while (true)
            {
                var response = await kms.ListGrantsAsync(request, cancellationToken);
                grants.AddRange((response.Grants ?? []).Select(ToGrant));
                if (response.Truncated != true || string.IsNullOrEmpty(response.NextMarker))
                {
                    return grants;
                }

                request = new ListGrantsRequest { KeyId = keyId, Marker = response.NextMarker, Limit = PageLimit };
            }
        }, cancellationToken);

    public Task<string> CreateGrantAsync(
        string keyId,
        string granteePrincipal,
        IReadOnlyList<string> operations,
        IReadOnlyDictionary<string, string> encryptionContextSubset,
        CancellationToken cancellationToken = default) =>
        AwsKmsErrors.CallAsync("CreateGrant", keyId, async () =>
        {
            var response = await kms.CreateGrantAsync(new CreateGrantRequest
            {
                KeyId = keyId,
                GranteePrincipal = granteePrincipal,
                Operations = [.. operations],
                Constraints = new GrantConstraints
                {
                    EncryptionContextSubset = new Dictionary<string, string>(encryptionContextSubset, StringComparer.Ordinal),
                },
            }, cancellationToken);
            return response.GrantId;
        }, cancellationToken);

    public Task RevokeGrantAsync(string keyId, string grantId, CancellationToken cancellationToken = default) =>
        AwsKmsErrors.CallAsync("RevokeGrant", keyId, async () =>
        {
            await kms.RevokeGrantAsync(new RevokeGrantRequest { KeyId = keyId, GrantId = grantId }, cancellationToken);
            return true;
        }, cancellationToken);

    private static KmsGrant ToGrant(GrantListEntry entry) => new(
        entry.GrantId,
        entry.GranteePrincipal,
        [.. entry.Operations ?? []],
        entry.Constraints?.EncryptionContextSubset is { } subset
            ? new Dictionary<string, string>(subset, StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal));
}
