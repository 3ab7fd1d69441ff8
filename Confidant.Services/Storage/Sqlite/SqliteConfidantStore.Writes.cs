using Confidant.Services.Errors;
using Confidant.Services.Revisions;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Confidant.Services.Storage.Sqlite;

internal sealed partial class SqliteConfidantStore
{
    public async Task WriteRevisionAsync(StoredItem current, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(current.Revision, 1);
        var item = current.AsCurrentItem() with { ArchiveDate = null };
        var record = current.AsRevisionRecord() with { ArchiveDate = null };
        var revision = item.Revision;

        await using var connection = await OpenAsync(cancellationToken);
        // BEGIN IMMEDIATE takes the write lock up front: the checks below cannot go stale before the commit.
        await using var transaction = connection.BeginTransaction(deferred: false);
        var existing = await SqliteRows.ReadAsync(connection, transaction, SqliteSchema.Items, item.Id, cancellationToken);
        var recordTaken = await SqliteRows.ReadAsync(connection, transaction, SqliteSchema.Items, record.Id, cancellationToken) is not null;
        if (recordTaken
            || (existing?.Revision ?? 0) != revision - 1
            || (existing is not null && existing.DataType != item.DataType))
        {
            await RollForwardAsync(connection, transaction, item, existing, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            throw new RevisionConflictException(item.Id, revision);
        }

        await SqliteRows.WriteAsync(connection, transaction, SqliteSchema.Items, "INSERT", record, cancellationToken);
        await SqliteRows.WriteAsync(connection, transaction, SqliteSchema.Items, "INSERT OR REPLACE", item, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task ArchiveAsync(string id, int expectedRevision, DateTimeOffset archiveDate, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);

        // One BEGIN IMMEDIATE transaction: the revision check and the move cannot be interleaved with a write.
        await using var transaction = connection.BeginTransaction(deferred: false);
        var current = await SqliteRows.ReadAsync(connection, transaction, SqliteSchema.Items, id, cancellationToken)
            ?? throw ConfidantException.NotFound(ErrorMessages.IdDoesNotExist, id);
        if (current.Revision != expectedRevision || current.DataType.IsRevision())
        {
            throw new RevisionConflictException(id, current.Revision);
        }

        if (await SqliteRows.ReadAsync(connection, transaction, SqliteSchema.ArchiveItems, id, cancellationToken) is not null)
        {
            throw new ArchiveInProgressException(id);
        }

        var items = await WithRevisionRecordsAsync(connection, transaction, SqliteSchema.Items, current, cancellationToken);
        foreach (var item in items)
        {
            await SqliteRows.WriteAsync(
                connection, transaction, SqliteSchema.ArchiveItems, "INSERT OR REPLACE", item with { ArchiveDate = archiveDate }, cancellationToken);
            await SqliteRows.DeleteAsync(connection, transaction, SqliteSchema.Items, item.Id, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        LogArchived(id, items.Count);
    }

    public async Task<bool> RestoreAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: false);
        var current = await SqliteRows.ReadAsync(connection, transaction, SqliteSchema.ArchiveItems, id, cancellationToken);
        if (current is null)
        {
            return false;
        }

        var items = await WithRevisionRecordsAsync(connection, transaction, SqliteSchema.ArchiveItems, current, cancellationToken);
        foreach (var item in items)
        {
            // Spec §9.3: items that already exist in the primary table are kept.
            await SqliteRows.WriteAsync(
                connection, transaction, SqliteSchema.Items, "INSERT OR IGNORE", item with { ArchiveDate = null }, cancellationToken);
            await SqliteRows.DeleteAsync(connection, transaction, SqliteSchema.ArchiveItems, item.Id, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        LogRestored(id, items.Count);
        return true;
    }

    /// <summary>
    /// A record after the current revision can only come from outside this store (another Confidant server, or
    /// a copy of the table): complete it as the DynamoDB backend does, so revisions stay contiguous.
    /// </summary>
    private async Task RollForwardAsync(
        SqliteConnection connection, SqliteTransaction transaction, StoredItem item, StoredItem? existing, CancellationToken cancellationToken)
    {
        if (existing is not null && existing.DataType != item.DataType)
        {
            return;
        }

        var nextRevision = (existing?.Revision ?? 0) + 1;
        var next = await SqliteRows.ReadAsync(
            connection, transaction, SqliteSchema.Items, RevisionId.Of(item.Id, nextRevision), cancellationToken);
        if (next is not null && next.DataType == item.DataType.RevisionType() && next.Revision == nextRevision)
        {
            await SqliteRows.WriteAsync(
                connection, transaction, SqliteSchema.Items, "INSERT OR REPLACE", next.AsCurrentItem() with { ArchiveDate = null }, cancellationToken);
            LogRolledForward(item.Id, nextRevision);
        }
    }

    private static async Task<List<StoredItem>> WithRevisionRecordsAsync(
        SqliteConnection connection, SqliteTransaction transaction, string table, StoredItem current, CancellationToken cancellationToken)
    {
        var recordIds = Enumerable.Range(1, Math.Max(0, current.Revision)).Select(n => RevisionId.Of(current.Id, n));
        var records = await SqliteRows.ReadManyAsync(connection, transaction, table, recordIds, cancellationToken);
        // Spec §13.35: ids share one key space, so "foo-1" may be a service rather than a revision of "foo".
        var revisionType = current.DataType.RevisionType();
        return [.. records.Where(record => record.DataType == revisionType && record.BaseId == current.Id), current];
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Completed the interrupted write of revision {Revision} of {Id}")]
    private partial void LogRolledForward(string id, int revision);

    [LoggerMessage(Level = LogLevel.Information, Message = "Archived {Id} ({Count} items)")]
    private partial void LogArchived(string id, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Restored {Id} from the archive ({Count} items)")]
    private partial void LogRestored(string id, int count);
}
