using Confidant.Services.Audit;

namespace Confidant.Tests.Support.Audit;

/// <summary>
/// Where an audit store keeps its data (a SQLite file, a DynamoDB table), and the raw edits an attacker with write
/// access to it could make, going around the store: SQL on the file, the DynamoDB API on the table. Both keep records
/// packed in blocks, so an edit of records reads a chain's blocks, changes the records and writes them back.
/// </summary>
public abstract class AuditBacking : IAsyncDisposable
{
    public abstract Task CreateAsync();

    /// <summary>A new store object over the same data, as another process would open it.</summary>
    public abstract IAuditStore Open();

    public Task ChangeActorAsync(string chainId, long sequence, string actor) => RewriteAsync(chainId, records =>
    {
        var i = records.FindIndex(r => r.Sequence == sequence);
        records[i] = records[i] with { Entry = records[i].Entry with { Actor = records[i].Entry.Actor with { Name = actor } } };
    });

    public Task DeleteRecordsAsync(string chainId, Func<long, bool> sequences) =>
        RewriteAsync(chainId, records => records.RemoveAll(r => sequences(r.Sequence)));

    /// <summary>Exchanges the places of records <paramref name="sequence"/> and the one after it.</summary>
    public Task SwapWithNextAsync(string chainId, long sequence) => RewriteAsync(chainId, records =>
    {
        var i = records.FindIndex(r => r.Sequence == sequence);
        (records[i], records[i + 1]) = (records[i + 1], records[i]);
    });

    /// <summary>Puts <paramref name="forged"/> after record <paramref name="afterSequence"/>.</summary>
    public Task InsertAsync(string chainId, long afterSequence, AuditRecord forged) =>
        RewriteAsync(chainId, records => records.Insert(records.FindIndex(r => r.Sequence == afterSequence) + 1, forged));

    /// <summary>Replaces every record of the chain with <paramref name="records"/>.</summary>
    public Task ReplaceChainAsync(string chainId, IReadOnlyList<AuditRecord> records) => RewriteAsync(chainId, list =>
    {
        list.Clear();
        list.AddRange(records);
    });

    public abstract Task DeleteCheckpointAsync(string chainId, long index);

    /// <summary>Makes a closed chain look open again in its registration.</summary>
    public abstract Task ReopenChainAsync(string chainId);

    public abstract ValueTask DisposeAsync();

    /// <summary>Reads every record of the chain in stored order, lets <paramref name="change"/> edit the list, writes it back as one block.</summary>
    protected abstract Task RewriteAsync(string chainId, Action<List<AuditRecord>> change);
}
