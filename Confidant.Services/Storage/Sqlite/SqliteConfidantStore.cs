using Confidant.Services.Errors;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Confidant.Services.Storage.Sqlite;

/// <summary>
/// The default backend: one SQLite file, the Confidant item model kept as is (docs/decisions/0003-sqlite-schema.md).
/// Each revision write is one <c>BEGIN IMMEDIATE</c> transaction, so the two puts of spec §6.3 cannot be torn. A call
/// waits at most <paramref name="busyTimeout"/> for a lock held by another writer or process, then fails with
/// SQLITE_BUSY (answered 503): the SQLite calls run synchronously, so no outer timeout could end the wait sooner.
/// </summary>
internal sealed partial class SqliteConfidantStore(string databasePath, TimeSpan busyTimeout, ILogger<SqliteConfidantStore> logger)
    : IConfidantStore
{
    private readonly string _connectionString = SqliteConnections.ConnectionString(databasePath, busyTimeout);

    private readonly Lock _initializeGate = new();
    private Task? _initialization;

    /// <summary>Creates the file, its directory and the schema once; a failed attempt is retried on the next call.</summary>
    public Task InitializeAsync(CancellationToken cancellationToken)
    {
        lock (_initializeGate)
        {
            if (_initialization is null || _initialization.IsFaulted || _initialization.IsCanceled)
            {
                _initialization = CreateSchemaAsync();
            }

            return _initialization.WaitAsync(cancellationToken);
        }
    }

    public async Task<StoredItem?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await SqliteRows.ReadAsync(connection, null, SqliteSchema.Items, id, cancellationToken);
    }

    public async Task<IReadOnlyList<StoredItem>> GetManyAsync(IEnumerable<string> ids, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await SqliteRows.ReadManyAsync(connection, null, SqliteSchema.Items, ids.Distinct(StringComparer.Ordinal), cancellationToken);
    }

    public Task<ItemPage> QueryAsync(DataType dataType, PageRequest request, CancellationToken cancellationToken = default) =>
        QueryTableAsync(SqliteSchema.Items, dataType, request, cancellationToken);

    public Task<ItemPage> QueryArchiveAsync(DataType dataType, PageRequest request, CancellationToken cancellationToken = default) =>
        QueryTableAsync(SqliteSchema.ArchiveItems, dataType, request, cancellationToken);

    public async Task<NamePage> ListNamesAsync(
        StoreTable table, DataType dataType, PageRequest request, CancellationToken cancellationToken = default)
    {
        NamedItems.RequireListable(dataType);
        var (names, next) = await QueryPageAsync(
            table == StoreTable.Archive ? SqliteSchema.ArchiveItems : SqliteSchema.Items,
            SqliteNames.Columns,
            dataType,
            request,
            SqliteNames.Read,
            PageToken.From,
            cancellationToken);
        return new NamePage(names, next);
    }

    public async Task<IReadOnlyList<string>> FindIdsByNameAsync(DataType dataType, string name, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        // The default BINARY collation makes this an ordinal, case-sensitive match, as DynamoDB's filter is.
        command.CommandText = $"SELECT id FROM {SqliteSchema.Items} WHERE data_type = $data_type AND name = $name ORDER BY id";
        command.Parameters.AddWithValue("$data_type", dataType.ToWire());
        command.Parameters.AddWithValue("$name", name);
        var ids = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    public async Task TouchAsync(StoredItem item, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        // Same revision and same write time: only bookkeeping of that very revision may change.
        // ... and a credential's data key as read: a touch must not undo a re-encryption made since (RewriteDataKeyAsync).
        command.CommandText = $"""
            UPDATE {SqliteSchema.Items} SET body = $body, {SqliteNames.Assignments}
            WHERE id = $id AND data_type = $data_type AND revision = $revision AND modified_date = $modified_date
              AND ($data_key IS NULL OR json_extract(body, '$.data_key') = $data_key)
            """;
        var touched = item with { ArchiveDate = null };
        command.Parameters.AddWithValue("$body", StoredItemJson.Serialize(touched));
        SqliteNames.Bind(command, touched);
        command.Parameters.AddWithValue("$id", item.Id);
        command.Parameters.AddWithValue("$data_type", item.DataType.ToWire());
        command.Parameters.AddWithValue("$revision", item.Revision);
        command.Parameters.AddWithValue("$modified_date", ConfidantDates.ToStored(item.ModifiedDate));
        command.Parameters.AddWithValue("$data_key", item is CredentialItem credential ? credential.DataKey : DBNull.Value);
        if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            throw new RevisionConflictException(item.Id, item.Revision);
        }
    }

    private async Task CreateSchemaAsync()
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(databasePath));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        await using var connection = await OpenRawAsync(CancellationToken.None);
        await SqliteSchema.EnsureCreatedAsync(connection, CancellationToken.None);
        LogSchemaReady(databasePath);
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken);
        return await OpenRawAsync(cancellationToken);
    }

    private Task<SqliteConnection> OpenRawAsync(CancellationToken cancellationToken) =>
        SqliteConnections.OpenAsync(_connectionString, busyTimeout, cancellationToken);

    private async Task<ItemPage> QueryTableAsync(
        string table, DataType dataType, PageRequest request, CancellationToken cancellationToken)
    {
        var (items, next) = await QueryPageAsync(
            table, "data_type, body", dataType, request, SqliteRows.ReadItem, PageToken.From, cancellationToken);
        return new ItemPage(items, next);
    }

    // The same token as DynamoDB's (spec §4.0): keyset paging on (modified_date, id) after the token's item.
    private async Task<(List<T> Rows, string? NextToken)> QueryPageAsync<T>(
        string table,
        string columns,
        DataType dataType,
        PageRequest request,
        Func<SqliteDataReader, T> read,
        Func<T, PageToken> tokenOf,
        CancellationToken cancellationToken)
    {
        if (request.Limit is < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(request), request.Limit, "Limit must be at least 1.");
        }

        var start = request.StartToken is null ? null : PageToken.Decode(request.StartToken, dataType);
        var (comparison, direction) = request.Descending ? ("<", "DESC") : (">", "ASC");
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT {columns} FROM {table}
            WHERE data_type = $data_type {(start is null ? string.Empty : $"AND (modified_date, id) {comparison} ($modified_date, $id)")}
            ORDER BY modified_date {direction}, id {direction}
            LIMIT $limit
            """;
        command.Parameters.AddWithValue("$data_type", dataType.ToWire());
        command.Parameters.AddWithValue("$limit", request.Limit is { } limit ? limit + 1L : -1L);
        if (start is not null)
        {
            command.Parameters.AddWithValue("$modified_date", start.ModifiedDate);
            command.Parameters.AddWithValue("$id", start.Id);
        }

        var rows = new List<T>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(read(reader));
            }
        }

        if (request.Limit is { } pageSize && rows.Count > pageSize)
        {
            rows.RemoveRange(pageSize, rows.Count - pageSize);
            return (rows, tokenOf(rows[^1]).Encode());
        }

        return (rows, null);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "SQLite store ready at {Path}")]
    private partial void LogSchemaReady(string path);

    // Exposure marks and value fingerprints.

    public async Task<bool> PutExposureAsync(Exposure.ExposureMark mark, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(mark.Revision, 1);
        await using var connection = await OpenAsync(cancellationToken);
        if (mark.Revision == 1)
        {
            return await SqliteRows.WriteAsync(connection, null, SqliteSchema.Items, "INSERT OR IGNORE", mark, cancellationToken);
        }

        // One conditional statement: of two writers of the same version, exactly one changes the row.
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            UPDATE {SqliteSchema.Items} SET body = $body, revision = $revision, modified_date = $modified_date, {SqliteNames.Assignments}
            WHERE id = $id AND data_type = $data_type AND revision = $previous
            """;
        command.Parameters.AddWithValue("$body", StoredItemJson.Serialize(mark));
        SqliteNames.Bind(command, mark);
        command.Parameters.AddWithValue("$revision", mark.Revision);
        command.Parameters.AddWithValue("$modified_date", ConfidantDates.ToStored(mark.ModifiedDate));
        command.Parameters.AddWithValue("$id", mark.Id);
        command.Parameters.AddWithValue("$data_type", DataType.Exposure.ToWire());
        command.Parameters.AddWithValue("$previous", mark.Revision - 1);
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    public async Task<bool> SetFingerprintsAsync(
        string id, int revision, Exposure.ValueFingerprints fingerprints, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        // json_set changes that one member of the body in the same statement that checks the revision.
        command.CommandText = $"""
            UPDATE {SqliteSchema.Items} SET body = json_set(body, '$.fingerprints', json($fingerprints))
            WHERE id = $id AND revision = $revision AND data_type IN ($current, $record)
            """;
        command.Parameters.AddWithValue("$fingerprints", StoredItemJson.SerializeValue(fingerprints));
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$revision", revision);
        command.Parameters.AddWithValue("$current", DataType.Credential.ToWire());
        command.Parameters.AddWithValue("$record", DataType.ArchiveCredential.ToWire());
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    // Re-encryption at rest and the state of long-running jobs (docs/decisions/0016-rekey-job.md).

    public async Task<DataKeyRewrite> RewriteDataKeyAsync(
        StoreTable table, CredentialItem rewritten, string expectedDataKey, CancellationToken cancellationToken = default)
    {
        var name = table == StoreTable.Archive ? SqliteSchema.ArchiveItems : SqliteSchema.Items;
        await using var connection = await OpenAsync(cancellationToken);

        // BEGIN IMMEDIATE: the item cannot change between the check and the write.
        await using var transaction = connection.BeginTransaction(deferred: false);
        var current = await SqliteRows.ReadAsync(connection, transaction, name, rewritten.Id, cancellationToken);
        if (current is not CredentialItem stored
            || stored.DataType != rewritten.DataType
            || stored.Revision != rewritten.Revision
            || !string.Equals(stored.DataKey, expectedDataKey, StringComparison.Ordinal))
        {
            return new DataKeyRewrite(false, current);
        }

        var updated = stored with
        {
            DataKey = rewritten.DataKey,
            CredentialPairs = rewritten.CredentialPairs,
            CipherVersion = rewritten.CipherVersion,
        };
        await SqliteRows.WriteAsync(connection, transaction, name, "INSERT OR REPLACE", updated, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new DataKeyRewrite(true, updated);
    }

    public async Task SaveJobAsync(JobItem job, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(job.Revision, 1);
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: false);
        var existing = await SqliteRows.ReadAsync(connection, transaction, SqliteSchema.Items, job.Id, cancellationToken);
        if ((existing?.Revision ?? 0) != job.Revision - 1 || existing is not (null or JobItem))
        {
            throw new RevisionConflictException(job.Id, job.Revision);
        }

        await SqliteRows.WriteAsync(
            connection, transaction, SqliteSchema.Items, "INSERT OR REPLACE", job with { DataType = DataType.Job, ArchiveDate = null }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<bool> DeleteJobAsync(string id, int revision, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"DELETE FROM {SqliteSchema.Items} WHERE id = $id AND revision = $revision AND data_type = $data_type";
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$revision", revision);
        command.Parameters.AddWithValue("$data_type", DataType.Job.ToWire());
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }
}
