using Confidant.Services.Audit;
using Confidant.Services.Authorization;
using Confidant.Services.Crypto;
using Confidant.Services.Errors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Confidant.Services.Storage.Copying;

/// <summary>What a copy did: resources and items written, resources already in the target, items verified.</summary>
public sealed record StoreCopyReport(int Resources, int Items, int Skipped, int Verified, IReadOnlyList<string> Problems);

/// <summary>
/// Copies every item of one store into another (an installation moving between the embedded SQLite file and
/// DynamoDB): current items, revision records, the archive and exposure marks, ciphertext as it is (both sides use the
/// configured key service). Each resource is written revision by revision through the target's own revision writes (a
/// mark version by version), so the target's rules hold; an archived resource is written and then archived with its
/// archive date. A resource the target already holds at the same or a later revision is skipped, so an interrupted copy
/// can be run again. Then every source item is read back from the target and compared, and every credential item
/// decrypted.
/// </summary>
public sealed class StoreCopier(IAclPolicy acl, CredentialCipher cipher, AuditRecorder audit, IOptions<StorageOptions> options, ILoggerFactory loggers)
{
    /// <summary>The audit trail's resource type for a copy (its id names the source and the target).</summary>
    public const string StoreResource = "store";

    public async Task<StoreCopyReport> CopyAsync(
        ConfidantPrincipal caller,
        StoreLocation from,
        StoreLocation to,
        bool allowNonEmptyTarget,
        Func<string, Task> progress,
        CancellationToken cancellationToken = default)
    {
        // Copying every secret is an admin's act, as archiving is.
        var entry = AuditEntry.For(caller, AuditActions.Admin, StoreResource, $"{from} -> {to}");
        if (!acl.IsAllowed(caller, AclResources.Credential, AclActions.Archive))
        {
            throw await audit.DeniedAsync(entry, ConfidantException.Forbidden($"{caller.Name} does not have access to copy stores"));
        }

        var opener = new StoreOpener(options, loggers);
        var source = await opener.OpenAsync(from, cancellationToken);
        var target = await opener.OpenAsync(to, cancellationToken);
        var sourceItems = await StoreSnapshot.ReadAsync(source, cancellationToken);
        if (!allowNonEmptyTarget && !(await StoreSnapshot.ReadAsync(target, cancellationToken)).IsEmpty)
        {
            throw ConfidantException.BadRequest($"The target {to} is not empty; give --allow-non-empty to add to it (resources it holds are skipped).");
        }

        var writer = new ResourceCopy(target);
        int resources = 0, items = 0, skipped = 0;
        foreach (var group in sourceItems.Resources())
        {
            var written = await writer.CopyAsync(group, cancellationToken);
            resources += written > 0 ? 1 : 0;
            skipped += written > 0 ? 0 : 1;
            items += written;
            if ((resources + skipped) % 100 == 0)
            {
                await progress($"copied {resources + skipped} of {sourceItems.ResourceCount} resources");
            }
        }

        await progress($"copied {resources + skipped} of {sourceItems.ResourceCount} resources ({items} items written, {skipped} already there); verifying");
        var (verified, problems) = await VerifyAsync(sourceItems, await StoreSnapshot.ReadAsync(target, cancellationToken), cancellationToken);
        await audit.SucceededAsync(entry with { Detail = $"copy-store: {items} items written, {skipped} resources already there, {problems.Count} problems" });
        return new StoreCopyReport(resources, items, skipped, verified, problems);
    }

    private async Task<(int Verified, List<string> Problems)> VerifyAsync(StoreSnapshot source, StoreSnapshot target, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        var verified = 0;
        foreach (var item in source.All)
        {
            var copy = target.Find(item);
            if (copy is null || !StoredItemJson.Serialize(copy).Equals(StoredItemJson.Serialize(item), StringComparison.Ordinal))
            {
                problems.Add($"{item.Id} ({item.DataType.ToWire()}{(item.ArchiveDate is null ? string.Empty : ", archived")}): {(copy is null ? "missing" : "differs")} in the target");
                continue;
            }

            if (copy is CredentialItem credential)
            {
                try
                {
                    await cipher.DecryptAsync(credential, cancellationToken);
                }
                catch (Exception failure) when (failure is CredentialCipherException or FernetException or Kms.KeyServiceException)
                {
                    problems.Add($"{item.Id}: does not decrypt in the target ({failure.GetType().Name})");
                    continue;
                }
            }

            verified++;
        }

        return (verified, problems);
    }
}
