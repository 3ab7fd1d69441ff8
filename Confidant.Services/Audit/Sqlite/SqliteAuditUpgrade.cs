using Microsoft.Data.Sqlite;

namespace Confidant.Services.Audit.Sqlite;

/// <summary>
/// Brings a file of the earlier layout, one row per record (<c>audit_records</c>, with a row per delivered resource in
/// <c>audit_record_resources</c> and an access summary per resource in <c>audit_access</c>), to the block layout:
/// each chain's records, re-encoded from their columns exactly as a verifier would, are packed into blocks of
/// <see cref="BlockRecords"/>, the access summary is rebuilt from them, and the old tables are dropped. Runs once,
/// inside the schema's transaction. A row that no longer reads (its columns were edited) is left out, so that
/// <c>audit verify</c> still reports its chain broken there.
/// </summary>
internal static class SqliteAuditUpgrade
{
    // Far below AuditBlock.MaxRawBytes even for records at the sanitizer's bounds.
    private const int BlockRecords = 64;

    private const string RecordColumns =
        "chain_id, seq, time, action, outcome, resource_type, resource_id, revision, items, via, detail, actor_name, actor_type, "
        + "actor_subject, actor_email, actor_account, auth_method, channel, route, address, user_agent, request_id, flags, witnesses, "
        + "previous_hash, hash";

    public static async Task<bool> IsNeededAsync(SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'audit_records'";
        return (long)(await command.ExecuteScalarAsync(cancellationToken))! > 0;
    }

    public static async Task RunAsync(SqliteTransaction transaction, SqliteAuditBlocks blocks, CancellationToken cancellationToken)
    {
        var connection = transaction.Connection!;
        await using var writer = blocks.CreateWriter(connection);
        await using var access = new SqliteAccessSummary(connection);
        (string Chain, long Sequence) after = (string.Empty, 0);
        while (true)
        {
            var (rows, last) = await ReadAsync(transaction, after, cancellationToken);
            if (last is not { } next)
            {
                break;
            }

            foreach (var block in rows.GroupBy(r => r.ChainId, StringComparer.Ordinal).Select(chain => chain.ToList()))
            {
                await writer.WriteAsync(transaction, block, cancellationToken);
                await access.AddAsync(transaction, block, cancellationToken);
                writer.Committed();
                access.Committed();
            }

            after = next;
        }

        await using var drop = connection.CreateCommand();
        drop.Transaction = transaction;
        drop.CommandText = "DROP TABLE audit_records; DROP TABLE IF EXISTS audit_record_resources; DROP TABLE IF EXISTS audit_access;";
        await drop.ExecuteNonQueryAsync(cancellationToken);
    }

    // The next rows in (chain, sequence) order, and the key of the last one read, readable or not.
    private static async Task<(List<AuditRecord> Records, (string, long)? Last)> ReadAsync(
        SqliteTransaction transaction,
        (string Chain, long Sequence) after,
        CancellationToken cancellationToken)
    {
        await using var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"""
            SELECT {RecordColumns} FROM audit_records
            WHERE (chain_id, seq) > ($chain, $seq) ORDER BY chain_id, seq LIMIT {BlockRecords}
            """;
        command.Parameters.AddWithValue("$chain", after.Chain);
        command.Parameters.AddWithValue("$seq", after.Sequence);
        var records = new List<AuditRecord>(BlockRecords);
        var canonical = new AuditCanonical();
        (string, long)? last = null;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            last = (reader.GetString(0), reader.GetInt64(1));
            try
            {
                var record = Read(reader);
                _ = canonical.Record(record);
                if (record.Hash.Length != AuditCanonical.HashSize * 2)
                {
                    throw new FormatException("A hash must be 64 hex digits.");
                }

                records.Add(record);
            }
            catch (Exception error) when (error is FormatException or InvalidCastException or System.Text.Json.JsonException or OverflowException or InvalidOperationException)
            {
                // Its columns were edited: left out, as a gap that verify names.
            }
        }

        return (records, last);
    }

    private static AuditRecord Read(SqliteDataReader row)
    {
        var entry = new AuditEntry
        {
            Action = row.GetString(3),
            Outcome = row.GetString(4),
            ResourceType = row.GetString(5),
            ResourceId = row.GetString(6),
            Revision = row.IsDBNull(7) ? null : checked((int)row.GetInt64(7)),
            Items = row.IsDBNull(8) ? [] : SqliteAuditJson.ParseItems(row.GetString(8)),
            Via = Text(row, 9),
            Detail = Text(row, 10),
            Actor = new AuditActor(row.GetString(11), row.GetString(12), Text(row, 13), Text(row, 14), Text(row, 15), row.GetString(16)),
            Origin = new AuditOrigin(row.GetString(17), row.GetString(18), Text(row, 19), Text(row, 20), Text(row, 21)),
        };
        return new AuditRecord(
            row.GetString(0),
            row.GetInt64(1),
            AuditCanonical.FromMicroseconds(row.GetInt64(2)),
            entry,
            row.IsDBNull(22) ? [] : SqliteAuditJson.ParseFlags(row.GetString(22)),
            Convert.ToHexStringLower((byte[])row.GetValue(24)),
            Convert.ToHexStringLower((byte[])row.GetValue(25)))
        {
            Witnesses = row.IsDBNull(23) ? [] : SqliteAuditJson.ParseWitnesses(row.GetString(23)),
        };
    }

    private static string? Text(SqliteDataReader row, int ordinal) => row.IsDBNull(ordinal) ? null : row.GetString(ordinal);
}
