using Microsoft.Data.Sqlite;

namespace Confidant.Services.Audit.Sqlite;

/// <summary>
/// Brings a file of the earlier layout, whose derived data had one row per delivered resource (a resource index table
/// and an access summary per resource), to the current one: the records' item-list column and the access summary
/// per delivered list are rebuilt from the records themselves, then the old tables are dropped. Runs once, inside the
/// schema's transaction. The records, checkpoints and chains, which <c>audit verify</c> reads, are not changed.
/// </summary>
internal static class SqliteAuditUpgrade
{
    private const int Chunk = 1000;

    public static async Task RunAsync(SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        var connection = transaction.Connection!;
        await using var access = new SqliteAccessSummary(connection);
        await using var update = connection.CreateCommand();
        update.Transaction = transaction;
        update.CommandText = $"UPDATE audit_records SET {SqliteAuditSchema.ItemsSetColumn} = $set WHERE chain_id = $chain AND seq = $seq";
        var set = update.Parameters.Add(new SqliteParameter { ParameterName = "$set" });
        var chain = update.Parameters.Add(new SqliteParameter { ParameterName = "$chain" });
        var sequence = update.Parameters.Add(new SqliteParameter { ParameterName = "$seq" });
        (string Chain, long Sequence) after = (string.Empty, 0);
        while (true)
        {
            var (records, last) = await ReadAsync(transaction, after, cancellationToken);
            if (last is not { } next)
            {
                break;
            }

            foreach (var record in records.Where(r => r.Entry.Items.Count > 0))
            {
                (set.Value, chain.Value, sequence.Value) = (AuditItemSets.IdOf(record.Entry.Items), record.ChainId, record.Sequence);
                await update.ExecuteNonQueryAsync(cancellationToken);
            }

            await access.AddAsync(transaction, records, cancellationToken);
            access.Committed();
            after = next;
        }

        await using var drop = connection.CreateCommand();
        drop.Transaction = transaction;
        drop.CommandText = "DROP TABLE IF EXISTS audit_record_resources; DROP TABLE IF EXISTS audit_access;";
        await drop.ExecuteNonQueryAsync(cancellationToken);
    }

    // The next records in (chain, sequence) order; a row that no longer reads is left to verify to report.
    private static async Task<(List<AuditRecord> Records, (string, long)? Last)> ReadAsync(
        SqliteTransaction transaction,
        (string Chain, long Sequence) after,
        CancellationToken cancellationToken)
    {
        await using var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"""
            SELECT {SqliteAuditSchema.RecordColumns} FROM audit_records
            WHERE (chain_id, seq) > ($chain, $seq) ORDER BY chain_id, seq LIMIT {Chunk}
            """;
        command.Parameters.AddWithValue("$chain", after.Chain);
        command.Parameters.AddWithValue("$seq", after.Sequence);
        var records = new List<AuditRecord>(Chunk);
        (string, long)? last = null;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            last = (reader.GetString(0), reader.GetInt64(1));
            try
            {
                records.Add(SqliteAuditRows.Read(reader));
            }
            catch (Exception error) when (error is FormatException or InvalidCastException or System.Text.Json.JsonException or OverflowException or InvalidOperationException)
            {
                // Its columns were edited: not counted; verify names it.
            }
        }

        return (records, last);
    }
}
