using Confidant.Services.Errors;
using Confidant.Services.Exposure;

namespace Confidant.Services.Storage.Copying;

/// <summary>Writes one resource into a target store, revision by revision, and archives it there if it was archived.</summary>
internal sealed class ResourceCopy(IConfidantStore target)
{
    /// <summary>Writes what the target lacks of <paramref name="resource"/>; returns the number of items it now holds anew (0: it was there).</summary>
    public async Task<int> CopyAsync(ResourceItems resource, CancellationToken cancellationToken)
    {
        if (resource.Current is not { } current)
        {
            // Revision records whose current item is gone: nothing a revision write can rebuild; verification names them.
            return 0;
        }

        var held = await target.GetAsync(resource.Id, cancellationToken);
        if (current is ExposureMark mark)
        {
            return await CopyMarkAsync(mark, held, cancellationToken);
        }

        if (resource.Archived && (held is not null || await InTargetArchiveAsync(resource.Id, current.DataType, cancellationToken)))
        {
            return 0;
        }

        var written = 0;
        for (var revision = (held?.Revision ?? 0) + 1; revision <= current.Revision; revision++)
        {
            var record = resource.Revisions.FirstOrDefault(r => r.Revision == revision)
                ?? throw ConfidantException.Conflict($"{resource.Id} has no revision record {revision}; it cannot be copied revision by revision.", resource.Id);
            await target.WriteRevisionAsync(record.AsCurrentItem() with { ArchiveDate = null }, cancellationToken);
            written++;
        }

        // The current item may carry bookkeeping its last revision record does not (last_decrypted_date).
        var plain = current with { ArchiveDate = null };
        if (written > 0 && !StoredItemJson.Serialize(plain).Equals(StoredItemJson.Serialize(resource.Revisions[^1].AsCurrentItem() with { ArchiveDate = null }), StringComparison.Ordinal))
        {
            await target.TouchAsync(plain, cancellationToken);
        }

        if (resource.Archived && written > 0)
        {
            await target.ArchiveAsync(resource.Id, current.Revision, current.ArchiveDate!.Value, cancellationToken);
        }

        // The revision records written, and the current item they leave behind.
        return written == 0 ? 0 : written + 1;
    }

    /// <summary>
    /// A mark keeps no revision records: its versions are put one after the other, each conditional on the one before as
    /// the target's rule for marks has it, every one with the mark's final content. Returns 1 when it was written.
    /// </summary>
    private async Task<int> CopyMarkAsync(ExposureMark mark, StoredItem? held, CancellationToken cancellationToken)
    {
        if (held is not null && (held is not ExposureMark || held.Revision >= mark.Revision))
        {
            return 0;
        }

        for (var version = (held?.Revision ?? 0) + 1; version <= mark.Revision; version++)
        {
            if (!await target.PutExposureAsync(mark with { Revision = version, ArchiveDate = null }, cancellationToken))
            {
                throw ConfidantException.Conflict($"{mark.Id} changed in the target while it was copied.", mark.Id);
            }
        }

        return 1;
    }

    private async Task<bool> InTargetArchiveAsync(string id, DataType type, CancellationToken cancellationToken) =>
        (await target.QueryArchiveAsync(type, PageRequest.All, cancellationToken)).Items.Any(i => i.Id == id);
}
