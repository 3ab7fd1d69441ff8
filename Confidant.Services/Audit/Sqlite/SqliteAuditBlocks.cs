using System.Runtime.CompilerServices;
using Confidant.Services.Caching;
using Microsoft.Data.Sqlite;

namespace Confidant.Services.Audit.Sqlite;

/// <summary>
/// The chains' blocks in SQLite: one row per group commit (<see cref="AuditBlock"/>), keyed by chain and first
/// sequence, with its last sequence, time and hash beside it as search hints (never trusted by a verifier); and the
/// item lists that blocks name by digest (<c>audit_item_sets</c>), each written once, in the transaction of the first
/// block naming it. The lists this process stored or read last are kept in memory.
/// </summary>
internal sealed class SqliteAuditBlocks(TimeProvider time)
{
    private const string Columns = "first_seq, size, records";

    // Every new revision delivered makes a new list (a kilobyte or two each): a few hot lists per polling service are
    // what saves work, and a list not kept costs no more than one INSERT OR IGNORE or one indexed read.
    private const int ListsKept = 1024;

    private readonly BoundedLruCache<string, AuditItem[]> _lists = new(ListsKept, TimeSpan.FromDays(1), time);

    /// <summary>The statements that write blocks on <paramref name="connection"/>; one writer per connection.</summary>
    public Writer CreateWriter(SqliteConnection connection) => new(this, connection);

    /// <summary>The last record of a chain, or null if it has none.</summary>
    public async Task<AuditRecord?> HeadAsync(SqliteConnection connection, string chainId, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM audit_blocks WHERE chain_id = $chain ORDER BY first_seq DESC LIMIT 1";
        command.Parameters.AddWithValue("$chain", chainId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (await DecodeAsync(connection, chainId, reader, cancellationToken))[^1] : null;
    }

    /// <summary>A chain's records after <paramref name="afterSequence"/> in stored order, from the block holding the next one.</summary>
    public async IAsyncEnumerable<AuditRecord> ReadForwardAsync(
        SqliteConnection connection,
        string chainId,
        long afterSequence,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT {Columns} FROM audit_blocks WHERE chain_id = $chain AND first_seq >= coalesce(
                (SELECT max(first_seq) FROM audit_blocks WHERE chain_id = $chain AND first_seq <= $next), 0)
            ORDER BY first_seq
            """;
        command.Parameters.AddWithValue("$chain", chainId);
        command.Parameters.AddWithValue("$next", afterSequence + 1);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            foreach (var record in await DecodeAsync(connection, chainId, reader, cancellationToken))
            {
                if (record.Sequence > afterSequence)
                {
                    yield return record;
                }
            }
        }
    }

    /// <summary>A chain's records newest first, from the block holding the last one before <paramref name="before"/> (all when null).</summary>
    public async IAsyncEnumerable<AuditRecord> NewestFirstAsync(
        SqliteConnection connection,
        string chainId,
        DateTimeOffset? before,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var start = before is { } bound ? await FirstBlockEndingAtOrAfterAsync(connection, chainId, AuditCanonical.Microseconds(bound), cancellationToken) : null;
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM audit_blocks WHERE chain_id = $chain AND first_seq <= $start ORDER BY first_seq DESC";
        command.Parameters.AddWithValue("$chain", chainId);
        command.Parameters.AddWithValue("$start", start ?? long.MaxValue);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var records = await DecodeAsync(connection, chainId, reader, cancellationToken);
            for (var i = records.Count - 1; i >= 0; i--)
            {
                yield return records[i];
            }
        }
    }

    // Blocks' last times rise with their sequences: a bisection over sequences, one key look-up a step, finds the first
    // block ending at or after the time, which holds the newest record before it (if any block does; else the head).
    private static async Task<long?> FirstBlockEndingAtOrAfterAsync(SqliteConnection connection, string chainId, long time, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT first_seq, last_seq, last_time FROM audit_blocks WHERE chain_id = $chain AND first_seq <= $seq
            ORDER BY first_seq DESC LIMIT 1
            """;
        command.Parameters.AddWithValue("$chain", chainId);
        var sequence = command.Parameters.Add(new SqliteParameter { ParameterName = "$seq", Value = long.MaxValue });
        async Task<(long First, long Last, long LastTime)?> BlockHoldingAsync()
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await reader.ReadAsync(cancellationToken) ? (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2)) : null;
        }

        if (await BlockHoldingAsync() is not { } head || head.LastTime < time)
        {
            return null;
        }

        var (found, low, high) = (head.First, 1L, head.First - 1);
        while (low <= high)
        {
            var middle = low + ((high - low) / 2);
            sequence.Value = middle;
            if (await BlockHoldingAsync() is not { } block)
            {
                low = middle + 1;
            }
            else if (block.LastTime >= time)
            {
                (found, high) = (block.First, block.First - 1);
            }
            else
            {
                low = Math.Max(block.Last, middle) + 1;
            }
        }

        return found;
    }

    private async Task<IReadOnlyList<AuditRecord>> DecodeAsync(SqliteConnection connection, string chainId, SqliteDataReader row, CancellationToken cancellationToken)
    {
        var blockId = $"{chainId}:{row.GetInt64(0)}";
        var decoded = AuditBlock.Decode((byte[])row.GetValue(2), checked((int)row.GetInt64(1)), blockId);
        var records = new AuditRecord[decoded.Count];
        for (var i = 0; i < records.Length; i++)
        {
            var (record, setId) = decoded[i];
            records[i] = setId is null ? record : record with { Entry = record.Entry with { Items = await ListAsync(connection, setId, cancellationToken) } };
        }

        return records;
    }

    private async Task<AuditItem[]> ListAsync(SqliteConnection connection, string setId, CancellationToken cancellationToken)
    {
        if (_lists.TryGet(setId, out var known))
        {
            return known;
        }

        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT items FROM audit_item_sets WHERE set_id = $set";
        command.Parameters.AddWithValue("$set", setId);
        if (await command.ExecuteScalarAsync(cancellationToken) is not byte[] bytes)
        {
            throw new InvalidDataException($"The delivered-items list {setId} named by an audit block is missing.");
        }

        try
        {
            var items = AuditCanonical.ParseItems(bytes);
            _lists.Set(setId, items);
            return items;
        }
        catch (FormatException error)
        {
            throw new InvalidDataException($"The delivered-items list {setId} cannot be read.", error);
        }
    }

    /// <summary>Writes blocks, and the item lists they name, with statements prepared once on one connection.</summary>
    public sealed class Writer : IAsyncDisposable
    {
        private static readonly string[] BlockParameters = ["$chain", "$first", "$last", "$time", "$hash", "$size", "$records"];

        private readonly SqliteAuditBlocks _blocks;
        private readonly SqliteCommand _list;
        private readonly SqliteParameter _listId;
        private readonly SqliteParameter _listItems;
        private readonly SqliteCommand _block;
        private readonly SqliteParameter[] _blockParameters;
        private readonly AuditCanonical _canonical = new();
        private readonly Dictionary<AuditRecord, string> _setIds = new(ReferenceEqualityComparer.Instance);
        private readonly List<(string Id, AuditItem[] Items)> _newLists = [];

        internal Writer(SqliteAuditBlocks blocks, SqliteConnection connection)
        {
            _blocks = blocks;
            _list = connection.CreateCommand();
            _list.CommandText = "INSERT OR IGNORE INTO audit_item_sets (set_id, items) VALUES ($set, $items)";
            _listId = _list.Parameters.Add(new SqliteParameter { ParameterName = "$set" });
            _listItems = _list.Parameters.Add(new SqliteParameter { ParameterName = "$items" });
            _block = connection.CreateCommand();
            _block.CommandText = """
                INSERT INTO audit_blocks (chain_id, first_seq, last_seq, last_time, last_hash, size, records)
                VALUES ($chain, $first, $last, $time, $hash, $size, $records)
                """;
            _blockParameters = [.. BlockParameters.Select(name => _block.Parameters.Add(new SqliteParameter { ParameterName = name }))];
        }

        /// <summary>
        /// Writes the block (and the lists it names first) in <paramref name="transaction"/>, or in the transaction the
        /// connection's owner began by statement when null; call <see cref="Committed"/> once it commits.
        /// </summary>
        public async Task WriteAsync(SqliteTransaction? transaction, IReadOnlyList<AuditRecord> block, CancellationToken cancellationToken)
        {
            _list.Transaction = transaction;
            await WriteNewListsAsync(block, cancellationToken);
            var (compressed, rawSize) = AuditBlock.Encode(block, record => _setIds.GetValueOrDefault(record));
            object[] values =
            [
                block[0].ChainId, block[0].Sequence, block[^1].Sequence, AuditCanonical.Microseconds(block[^1].Time),
                Convert.FromHexString(block[^1].Hash), rawSize, compressed,
            ];
            for (var i = 0; i < values.Length; i++)
            {
                _blockParameters[i].Value = values[i];
            }

            _block.Transaction = transaction;
            await _block.ExecuteNonQueryAsync(cancellationToken);
        }

        /// <summary>The block's transaction committed: the lists it wrote are stored.</summary>
        public void Committed()
        {
            foreach (var (id, items) in _newLists)
            {
                _blocks._lists.Set(id, items);
            }

            _newLists.Clear();
        }

        public async ValueTask DisposeAsync()
        {
            await _list.DisposeAsync();
            await _block.DisposeAsync();
        }

        // The digest of each record's list stored apart; the lists not stored yet are written now.
        private async Task WriteNewListsAsync(IReadOnlyList<AuditRecord> block, CancellationToken cancellationToken)
        {
            _setIds.Clear();
            _newLists.Clear();
            foreach (var record in block)
            {
                var items = record.Entry.Items;
                if (items.Count < AuditBlock.ItemsStoredApart)
                {
                    continue;
                }

                var setId = AuditItemSets.IdOf(items);
                _setIds[record] = setId;
                if (!_blocks._lists.TryGet(setId, out _) && !_newLists.Exists(l => l.Id == setId))
                {
                    (_listId.Value, _listItems.Value) = (setId, _canonical.Items(items).ToArray());
                    await _list.ExecuteNonQueryAsync(cancellationToken);
                    _newLists.Add((setId, [.. items]));
                }
            }
        }
    }
}
