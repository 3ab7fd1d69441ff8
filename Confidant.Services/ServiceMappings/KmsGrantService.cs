using Confidant.Services.Audit;
using Confidant.Services.Authorization;
using Confidant.Services.Errors;
using Confidant.Services.Iam;
using Confidant.Services.Kms;
using Confidant.Services.KmsAuth;
using Confidant.Services.Maintenance;
using Confidant.Services.Storage;
using Microsoft.Extensions.Options;

namespace Confidant.Services.ServiceMappings;

/// <summary>Whether a service's role holds the two kmsauth grants on the auth key.</summary>
public sealed record GrantStatus(bool EncryptGrant, bool DecryptGrant);

/// <summary>A grant removed from the auth key, and the principal it was for.</summary>
public sealed record RevokedGrant(string GrantId, string GranteePrincipal);

/// <summary>
/// KMS grants on the auth key (spec §8.4): an encrypt grant constrained to <c>{"from": role}</c> (plus
/// <c>user_type</c> when only v2 tokens are accepted) and a decrypt grant constrained to <c>{"to": role}</c>, so a
/// service's role can mint tokens from itself without a per-role IAM policy.
/// </summary>
public sealed class KmsGrantService(
    IKmsGrantManager grants,
    IKeyService keys,
    IRoleDirectory roles,
    IConfidantStore store,
    IAclPolicy acl,
    MaintenanceMode maintenance,
    IOptions<KmsAuthOptions> options,
    AuditRecorder audit)
{
    /// <summary>The audit trail's resource type for one grant on the auth key (its id is the grant id).</summary>
    public const string GrantResource = "kms_grant";

    /// <summary>False for a key service without grants (the local key ring): there is no status to show or create.</summary>
    public bool SupportsGrants => grants.SupportsGrants;

    /// <summary>Whether an existing service's role holds its grants (spec §4.6 GET /v1/grants/&lt;id&gt;).</summary>
    public async Task<GrantStatus> CheckAsync(ConfidantPrincipal caller, string serviceId, CancellationToken cancellationToken = default)
    {
        if (!acl.IsAllowed(caller, AclResources.Service, AclActions.Metadata, serviceId))
        {
            throw ConfidantException.Forbidden($"{caller.Name} does not have access to get grants for service {serviceId}", serviceId);
        }

        await RequireServiceAsync(serviceId, cancellationToken);
        return await CheckAsync(serviceId, cancellationToken);
    }

    /// <summary>Creates whichever grant an existing service lacks (spec §4.6 PUT /v1/grants/&lt;id&gt;).</summary>
    public async Task<GrantStatus> EnsureAsync(ConfidantPrincipal caller, string serviceId, CancellationToken cancellationToken = default)
    {
        maintenance.EnsureWritable();
        if (!acl.IsAllowed(caller, AclResources.Service, AclActions.Update, serviceId, new AclArguments([])))
        {
            throw await audit.DeniedAsync(
                AuditEntry.For(caller, AuditActions.Grants, AclResources.Service, serviceId),
                ConfidantException.Forbidden($"{caller.Name} does not have access to ensure grants for service {serviceId}", serviceId));
        }

        await RequireServiceAsync(serviceId, cancellationToken);
        var status = await EnsureAsync(serviceId, cancellationToken);
        await audit.SucceededAsync(AuditEntry.For(caller, AuditActions.Grants, AclResources.Service, serviceId));
        return status;
    }

    /// <summary>
    /// Revokes every grant on the auth key, whoever it was for (the original's <c>revoke_all_kms_auth_grants</c>,
    /// spec §8.4): after a leak of the grants, or before moving to per-role IAM policies. Services get theirs back
    /// with <see cref="EnsureAsync(ConfidantPrincipal, string, CancellationToken)"/>. <paramref name="revoked"/>
    /// hears of each grant as it goes.
    /// </summary>
    public async Task<IReadOnlyList<RevokedGrant>> RevokeAllAsync(
        ConfidantPrincipal caller,
        Func<RevokedGrant, Task>? revoked = null,
        CancellationToken cancellationToken = default)
    {
        maintenance.EnsureWritable();

        // Taking every service's grants away is an admin's act, as creating a service is (spec §3.3 narrowed by roles).
        if (!acl.IsAllowed(caller, AclResources.Service, AclActions.Create))
        {
            throw await audit.DeniedAsync(
                AuditEntry.For(caller, AuditActions.Grants, GrantResource, string.Empty),
                ConfidantException.Forbidden($"{caller.Name} does not have access to revoke grants"));
        }

        if (!grants.SupportsGrants || options.Value.AuthKey is not { Length: > 0 } authKey)
        {
            return [];
        }

        var keyId = (await keys.DescribeKeyAsync(authKey, cancellationToken)).KeyId;
        var done = new List<RevokedGrant>();
        foreach (var grant in await grants.ListGrantsAsync(keyId, cancellationToken))
        {
            await grants.RevokeGrantAsync(keyId, grant.GrantId, cancellationToken);
            var gone = new RevokedGrant(grant.GrantId, grant.GranteePrincipal);
            done.Add(gone);
            await audit.SucceededAsync(AuditEntry.For(caller, AuditActions.Grants, GrantResource, grant.GrantId));
            if (revoked is not null)
            {
                await revoked(gone);
            }
        }

        return done;
    }

    private async Task RequireServiceAsync(string serviceId, CancellationToken cancellationToken)
    {
        switch (await store.GetAsync(serviceId, cancellationToken))
        {
            case null:
                throw ConfidantException.BadRequest(ErrorMessages.IdDoesNotExist, serviceId);
            case ServiceItem { DataType: DataType.Service }:
                return;
            default:
                throw ConfidantException.BadRequest(ErrorMessages.NotAService, serviceId);
        }
    }

    private async Task<GrantStatus> CheckAsync(string serviceId, CancellationToken cancellationToken)
    {
        var roleArn = await roles.GetRoleArnAsync(serviceId, cancellationToken);
        if (roleArn is null || !grants.SupportsGrants || options.Value.AuthKey is not { Length: > 0 } authKey)
        {
            return new GrantStatus(false, false);
        }

        var keyId = (await keys.DescribeKeyAsync(authKey, cancellationToken)).KeyId;
        return Status(await grants.ListGrantsAsync(keyId, cancellationToken), roleArn, serviceId);
    }

    /// <summary>
    /// Creates whichever grant is missing (only when grant management is on), then reports the status. Called by
    /// the domain when a service is created, after that write's own checks.
    /// </summary>
    internal async Task<GrantStatus> EnsureAsync(string serviceId, CancellationToken cancellationToken)
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
