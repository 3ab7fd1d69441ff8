namespace Confidant.Services.Audit;

/// <summary>
/// Walks a chain's records in stored order and stops at the first broken one, saying why. Each record must have the
/// next sequence, name its predecessor's stored hash, and hash to its own stored hash. When a link breaks, a look at
/// the record stored next and the one two back tells a swap and an insertion from an edit.
/// </summary>
internal sealed class AuditChainWalk(string chainId, long firstSequence = 1, string? firstPreviousHash = null)
{
    private readonly AuditCanonical _canonical = new();
    private long _expected = firstSequence;
    private string? _previous = firstPreviousHash ?? (firstSequence == 1 ? AuditCanonical.GenesisHash : null);
    private string? _beforePrevious;
    private string? _unreadable;

    public long Records { get; private set; }

    /// <summary>The last record that verified.</summary>
    public AuditRecord? Head { get; private set; }

    public AuditProblem? Problem { get; private set; }

    /// <summary>Walks <paramref name="records"/>; <paramref name="verified"/> sees each record that verified. False at the first problem.</summary>
    public async Task<bool> WalkAsync(IAsyncEnumerable<AuditRecord> records, Action<AuditRecord>? verified, CancellationToken cancellationToken)
    {
        await using var enumerator = records.GetAsyncEnumerator(cancellationToken);
        var current = await NextAsync(enumerator);
        while (current is not null)
        {
            var next = await NextAsync(enumerator);
            Problem = Check(current, next);
            if (Problem is not null)
            {
                return false;
            }

            Records++;
            Head = current;
            verified?.Invoke(current);
            _beforePrevious = _previous;
            _previous = current.Hash;
            _expected++;
            current = next;
        }

        if (_unreadable is not null)
        {
            Problem = Fail(_expected, AuditProblemKind.Unreadable, _unreadable);
            return false;
        }

        return true;
    }

    private AuditProblem? Check(AuditRecord record, AuditRecord? next)
    {
        if (record.ChainId != chainId)
        {
            return Fail(_expected, AuditProblemKind.Inserted, $"a record of chain {record.ChainId} is stored in this chain");
        }

        if (record.Sequence == _expected + 1 && next?.Sequence == _expected)
        {
            return Fail(_expected, AuditProblemKind.Reordered, $"record {_expected} is stored after record {_expected + 1}");
        }

        if (record.Sequence > _expected)
        {
            var gap = record.Sequence == _expected + 1 ? $"record {_expected} is" : $"records {_expected} to {record.Sequence - 1} are";
            return Fail(_expected, AuditProblemKind.Deleted, $"{gap} missing (the chain goes from {_expected - 1} to {record.Sequence})");
        }

        if (record.Sequence < _expected)
        {
            return Fail(record.Sequence, AuditProblemKind.Inserted, $"a second record claims sequence {record.Sequence}");
        }

        if (_previous is not null && record.PreviousHash != _previous)
        {
            if (next is not null && next.Hash == record.PreviousHash)
            {
                return Fail(_expected, AuditProblemKind.Reordered, $"record {_expected} follows record {_expected + 1}, which is stored after it");
            }

            if (_beforePrevious is not null && record.PreviousHash == _beforePrevious)
            {
                return Fail(_expected - 1, AuditProblemKind.Inserted,
                    $"record {_expected - 1} does not belong to the chain (record {_expected} follows record {_expected - 2})");
            }

            return _canonical.HashOf(record) == record.Hash
                ? Fail(_expected - 1, AuditProblemKind.Altered, $"record {_expected - 1} is not the record that record {_expected} follows (replaced or altered)")
                : Fail(_expected, AuditProblemKind.Altered, $"record {_expected} no longer matches its hash, nor its predecessor's");
        }

        return _canonical.HashOf(record) == record.Hash
            ? null
            : Fail(_expected, AuditProblemKind.Altered, $"record {_expected} no longer matches its hash (a field was changed)");
    }

    private async Task<AuditRecord?> NextAsync(IAsyncEnumerator<AuditRecord> enumerator)
    {
        try
        {
            return await enumerator.MoveNextAsync() ? enumerator.Current : null;
        }
        catch (InvalidDataException error)
        {
            // Reported once every record before it has been checked.
            _unreadable = error.Message;
            return null;
        }
    }

    private AuditProblem Fail(long sequence, AuditProblemKind kind, string message) => new(chainId, sequence, kind, message);
}
