namespace Confidant.Services.Storage;

/// <summary>The two tables of a Confidant installation: the primary table and the archive (spec §6.1).</summary>
public enum StoreTable
{
    Primary,
    Archive,
}

/// <summary>
/// The outcome of <see cref="IConfidantStore.RewriteDataKeyAsync"/>: whether the replacement landed, and the item as
/// it now is in its table (the rewritten one, or whatever changed it meanwhile; null when it is gone).
/// </summary>
public sealed record DataKeyRewrite(bool Rewritten, StoredItem? Current);
