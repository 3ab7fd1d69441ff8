using Confidant.Services.Authorization;
using Confidant.Services.Errors;
using Confidant.Services.Storage;

namespace Confidant.Services.Credentials;

/// <summary>
/// The credentials the archive command may archive by age (spec §9.3 <c>archive_credentials --days</c>): disabled,
/// mapped by no current service, and last modified more than the given number of days ago by the injected clock.
/// Each one is then archived through <see cref="CredentialService.ArchiveAsync"/>, which checks again as it acts.
/// </summary>
public sealed class ArchiveCandidates(IConfidantStore store, IAclPolicy acl, TimeProvider time)
{
    public async Task<IReadOnlyList<string>> OlderThanAsync(ConfidantPrincipal caller, int days, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(days);
        if (!acl.IsAllowed(caller, AclResources.Credential, AclActions.Archive))
        {
            throw ConfidantException.Forbidden($"{caller.Name} does not have access to archive credentials");
        }

        var cutoff = time.GetUtcNow() - TimeSpan.FromDays(days);
        var services = await store.QueryAsync(DataType.Service, PageRequest.All, cancellationToken);
        var mapped = (await store.GetManyAsync(services.Items.Select(s => s.Id), cancellationToken))
            .OfType<ServiceItem>()
            .SelectMany(s => s.Credentials)
            .ToHashSet(StringComparer.Ordinal);
        var credentials = await store.QueryAsync(DataType.Credential, PageRequest.All, cancellationToken);
        return credentials.Items
            .Where(c => !c.Enabled && c.ModifiedDate < cutoff && !mapped.Contains(c.Id))
            .OrderBy(c => c.ModifiedDate)
            .ThenBy(c => c.Id, StringComparer.Ordinal)
            .Select(c => c.Id)
            .ToList();
    }
}
