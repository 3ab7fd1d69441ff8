using Confidant.Services.Iam;
using Confidant.Services.Kms;
using Confidant.Services.KmsAuth;
using Microsoft.Extensions.Options;

namespace Confidant.Services.ServiceMappings;

/// <summary>Whether a service's role holds the two kmsauth grants on the auth key.</summary>
public sealed record GrantStatus(bool EncryptGrant, bool DecryptGrant);

/// <summary>
/// KMS grants on the auth key (spec §8.4): an encrypt grant constrained to <c>{"from": role}</c> (plus
/// <c>user_type</c> when only v2 tokens are accepted) and a decrypt grant constrained to <c>{"to": role}</c>, so a
/// service's role can mint tokens from itself without a per-role IAM policy.
/// </summary>
public sealed class KmsGrantService(
    IKmsGrantManager grants,
    IKeyService keys,
    IRoleDirectory roles,
    IOptions<KmsAuthOptions> options)
{
    /// <summary>False for a key service without grants (the local key ring): there is no status to show or create.</summary>
    public bool SupportsGrants => grants.SupportsGrants;

    public async Task<GrantStatus> CheckAsync(string serviceId, CancellationToken cancellationToken = default)
    {
        var roleArn = await roles.GetRoleArnAsync(serviceId, cancellationToken);
        if (roleArn is null || !grants.SupportsGrants || options.Value.AuthKey is not { Length: > 0 } authKey)
        {
            return new GrantStatus(false, false);
        }

        var keyId = (await keys.DescribeKeyAsync(authKey, cancellationToken)).KeyId;
        return Status(await grants.ListGrantsAsync(keyId, cancellationToken), roleArn, serviceId);
    }

    /// <summary>Creates whichever grant is missing (only when grant management is on), then reports the status.</summary>
    public async Task<GrantStatus> EnsureAsync(string serviceId, CancellationToken cancellationToken = default)
    {
        var roleArn = await roles.GetRoleArnAsync(serviceId, cancellationToken);
        if (roleArn is null || !grants.SupportsGrants || !options.Value.ManageGrants || options.Value.AuthKey is not { Length: > 0 } authKey)
        {
            return await CheckAsync(serviceId, cancellationToken);
        }

        var keyId = (await keys.DescribeKeyAsync(authKey, cancellationToken)).KeyId;
        var status = Status(await grants.ListGrantsAsync(keyId, cancellationToken), roleArn, serviceId);
        if (!status.EncryptGrant)
        {
            await grants.CreateGrantAsync(keyId, roleArn, ["Encrypt", "Decrypt"], EncryptConstraint(serviceId), cancellationToken);
        }

        if (!status.DecryptGrant)
        {
            await grants.CreateGrantAsync(keyId, roleArn, ["Decrypt"], DecryptConstraint(serviceId), cancellationToken);
        }

        return new GrantStatus(true, true);
    }

    private GrantStatus Status(IReadOnlyList<KmsGrant> existing, string roleArn, string serviceId)
    {
        var mine = existing.Where(g => string.Equals(g.GranteePrincipal, roleArn, StringComparison.Ordinal)).ToList();
        var encrypt = EncryptConstraint(serviceId);
        var decrypt = DecryptConstraint(serviceId);
        return new GrantStatus(
            mine.Any(g => g.Operations.Contains("Encrypt") && SameConstraint(g.EncryptionContextSubset, encrypt)),
            mine.Any(g => g.Operations.Contains("Decrypt") && SameConstraint(g.EncryptionContextSubset, decrypt)));
    }

    private Dictionary<string, string> EncryptConstraint(string serviceId)
    {
        var constraint = new Dictionary<string, string>(StringComparer.Ordinal) { ["from"] = serviceId };
        if (options.Value.MinimumTokenVersion > 1)
        {
            constraint["user_type"] = "service";
        }

        return constraint;
    }

    private static Dictionary<string, string> DecryptConstraint(string serviceId) =>
        new(StringComparer.Ordinal) { ["to"] = serviceId };

    private static bool SameConstraint(IReadOnlyDictionary<string, string> left, Dictionary<string, string> right) =>
        left.Count == right.Count && left.All(p => right.TryGetValue(p.Key, out var v) && v == p.Value);
}
