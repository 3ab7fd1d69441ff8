using Confidant.Services.Audit;

namespace Confidant.Tests.Support.Audit;

/// <summary>
/// Where an audit store keeps its data (a SQLite file, a DynamoDB table), and the raw edits an attacker with write
/// access to it could make, going around the store: SQL on the file, the DynamoDB API on the table.
/// </summary>
public abstract class AuditBacking : IAsyncDisposable
{
    public abstract Task CreateAsync();

    /// <summary>A new store object over the same data, as another process would open it.</summary>
    public abstract IAuditStore Open();

    public abstract Task ChangeActorAsync(string chainId, long sequence, string actor);

    public abstract Task DeleteRecordsAsync(string chainId, Func<long, bool> sequences);

    /// <summary>Exchanges the places of records <paramref name="sequence"/> and the one after it.</summary>
    public abstract Task SwapWithNextAsync(string chainId, long sequence);

    /// <summary>Puts <paramref name="forged"/> after record <paramref name="afterSequence"/>.</summary>
    public abstract Task InsertAsync(string chainId, long afterSequence, AuditRecord forged);

    /// <summary>Replaces every record of the chain with <paramref name="records"/>.</summary>
    public abstract Task ReplaceChainAsync(string chainId, IReadOnlyList<AuditRecord> records);

    public abstract Task DeleteCheckpointAsync(string chainId, long index);

    /// <summary>Makes a closed chain look open again in its registration.</summary>
    public abstract Task ReopenChainAsync(string chainId);

    public abstract ValueTask DisposeAsync();
}
