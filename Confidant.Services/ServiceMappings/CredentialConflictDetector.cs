using Confidant.Services.Authorization;
using Confidant.Services.Credentials;
using Confidant.Services.Crypto;
using Confidant.Services.Errors;
using Confidant.Services.Storage;
using Microsoft.Extensions.Options;

namespace Confidant.Services.ServiceMappings;

/// <summary>
/// Key-conflict detection between resources mapped to one service (spec §8.2). The keys of a credential come from
/// decrypting it (the data-key cache keeps this cheap); the keys of a blind credential are stored in clear.
/// </summary>
public sealed class CredentialConflictDetector(
    IConfidantStore store,
    CredentialCipher cipher,
    IAclPolicy acl,
    IOptions<CredentialOptions> options)
{
    /// <summary>
    /// Variant A, as a preview before a mapping is saved: the key names shared within a set of credentials and blind
    /// credentials, for a caller who may see the metadata of each of them.
    /// </summary>
    public Task<IReadOnlyDictionary<string, KeyConflict>> FindInMappingAsync(
        ConfidantPrincipal caller,
        IReadOnlyCollection<string> credentialIds,
        IReadOnlyCollection<string> blindCredentialIds,
        CancellationToken cancellationToken)
    {
        foreach (var (type, id) in credentialIds.Select(id => (AclResources.Credential, id)).Concat(blindCredentialIds.Select(id => (AclResources.BlindCredential, id))))
        {
            RequireMetadata(caller, type, id);
        }

        return FindInMappingAsync(credentialIds, blindCredentialIds, cancellationToken);
    }

    /// <summary>
    /// Variant B, as a preview before a credential's keys change: which other resources of its services hold any of
    /// <paramref name="newKeys"/>, for a caller who may see the credential's metadata.
    /// </summary>
    public Task<IReadOnlyDictionary<string, KeyConflict>> FindForCredentialAsync(
        ConfidantPrincipal caller,
        string credentialId,
        IEnumerable<string> newKeys,
        CancellationToken cancellationToken)
    {
        RequireMetadata(caller, AclResources.Credential, credentialId);
        return FindForResourceAsync(credentialId, newKeys, cancellationToken);
    }

    private void RequireMetadata(ConfidantPrincipal caller, string resourceType, string id)
    {
        if (!acl.IsAllowed(caller, resourceType, AclActions.Metadata, id))
        {
            throw ConfidantException.Forbidden($"{caller.Name} does not have access to {resourceType.Replace('_', ' ')} {id}", id);
        }
    }

    private async Task<IReadOnlyDictionary<string, KeyConflict>> FindInMappingAsync(
        IReadOnlyCollection<string> credentialIds,
        IReadOnlyCollection<string> blindCredentialIds,
        CancellationToken cancellationToken)
    {
        if (options.Value.IgnoreConflicts)
        {
            return new Dictionary<string, KeyConflict>();
        }

        var items = await store.GetManyAsync(credentialIds.Concat(blindCredentialIds), cancellationToken);
        var holders = new Dictionary<string, List<StoredItem>>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            foreach (var key in await KeysOfAsync(item, cancellationToken))
            {
                if (!holders.TryGetValue(key, out var list))
                {
                    holders[key] = list = [];
                }

                list.Add(item);
            }
        }

        return holders
            .Where(h => h.Value.Count > 1)
            .ToDictionary(
                h => h.Key,
                h => new KeyConflict(
                    Sorted(h.Value.Where(i => i.DataType == DataType.Credential).Select(i => i.Id)),
                    Sorted(h.Value.Where(i => i.DataType == DataType.BlindCredential).Select(i => i.Id)),
                    null),
                StringComparer.Ordinal);
    }

    /// <summary>Variant B: one resource's keys change; compare with every other resource of its services.</summary>
    private async Task<IReadOnlyDictionary<string, KeyConflict>> FindForResourceAsync(
        string resourceId,
        IEnumerable<string> newKeys,
        CancellationToken cancellationToken)
    {
        var conflicts = new Dictionary<string, KeyConflict>(StringComparer.Ordinal);
        if (options.Value.IgnoreConflicts)
        {
            return conflicts;
        }

        var services = (await store.QueryAsync(DataType.Service, PageRequest.All, cancellationToken)).Items
            .OfType<ServiceItem>()
            .Where(s => s.Credentials.Contains(resourceId) || s.BlindCredentials.Contains(resourceId))
            .ToList();
        var servicesOf = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var service in services)
        {
            foreach (var other in service.Credentials.Concat(service.BlindCredentials).Where(id => id != resourceId))
            {
                if (!servicesOf.TryGetValue(other, out var set))
                {
                    servicesOf[other] = set = new HashSet<string>(StringComparer.Ordinal);
                }

                set.Add(service.Id);
            }
        }

        var keys = newKeys.ToHashSet(StringComparer.Ordinal);
        var others = await store.GetManyAsync(servicesOf.Keys, cancellationToken);
        var found = new Dictionary<string, (HashSet<string> Credentials, HashSet<string> Blind, HashSet<string> Services)>(StringComparer.Ordinal);
        foreach (var other in others)
        {
            foreach (var key in (await KeysOfAsync(other, cancellationToken)).Where(keys.Contains))
            {
                if (!found.TryGetValue(key, out var entry))
                {
                    found[key] = entry = ([], [], []);
                }

                (other is BlindCredentialItem ? entry.Blind : entry.Credentials).Add(other.BaseId);
                entry.Services.UnionWith(servicesOf[other.Id]);
            }
        }

        foreach (var (key, entry) in found)
        {
            conflicts[key] = new KeyConflict(
                entry.Credentials.Count > 0 ? Sorted(entry.Credentials) : null,
                entry.Blind.Count > 0 ? Sorted(entry.Blind) : null,
                Sorted(entry.Services));
        }

        return conflicts;
    }

    /// <summary>Variant A, failing with <see cref="KeyConflictException"/> when keys collide.</summary>
    internal async Task EnsureNoConflictsInMappingAsync(
        IReadOnlyCollection<string> credentialIds,
        IReadOnlyCollection<string> blindCredentialIds,
        CancellationToken cancellationToken)
    {
        var found = await FindInMappingAsync(credentialIds, blindCredentialIds, cancellationToken);
        if (found.Count > 0)
        {
            throw new KeyConflictException(found);
        }
    }

    /// <summary>Variant B, failing with <see cref="KeyConflictException"/> when keys collide.</summary>
    internal async Task EnsureNoConflictsForResourceAsync(string resourceId, IEnumerable<string> newKeys, CancellationToken cancellationToken)
    {
        var found = await FindForResourceAsync(resourceId, newKeys, cancellationToken);
        if (found.Count > 0)
        {
            throw new KeyConflictException(found);
        }
    }

    private async Task<IEnumerable<string>> KeysOfAsync(StoredItem item, CancellationToken cancellationToken) => item switch
    {
        CredentialItem credential => (await cipher.DecryptAsync(credential, cancellationToken)).Keys,
        BlindCredentialItem blind => blind.CredentialKeys,
        _ => [],
    };

    private static List<string> Sorted(IEnumerable<string> ids) => ids.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
}
