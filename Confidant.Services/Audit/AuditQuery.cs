namespace Confidant.Services.Audit;

/// <summary>
/// A query of the audit trail, newest first. Null filters match everything. <see cref="ResourceId"/> matches a
/// record's resource or any of its items; <see cref="Actor"/> the actor's name; <see cref="From"/> is inclusive and
/// <see cref="To"/> exclusive. <see cref="Page"/> is the <see cref="AuditPage.NextPage"/> of the previous page.
/// </summary>
public sealed record AuditQuery(
    string? ResourceId = null,
    string? Actor = null,
    int Limit = 100,
    string? Page = null)
{
    public const int MaxLimit = 1000;

    public string? Action { get; init; }

    public string? Outcome { get; init; }

    /// <summary>Only records carrying this flag (<see cref="AuditFlags"/>).</summary>
    public string? Flag { get; init; }

    public DateTimeOffset? From { get; init; }

    public DateTimeOffset? To { get; init; }

    /// <summary>Whether <paramref name="record"/> passes every filter but the page.</summary>
    public bool Matches(AuditRecord record)
    {
        var entry = record.Entry;
        return (ResourceId is null || entry.ResourceId == ResourceId || entry.Items.Any(i => i.Id == ResourceId))
            && (Actor is null || entry.Actor.Name == Actor)
            && (Action is null || entry.Action == Action)
            && (Outcome is null || entry.Outcome == Outcome)
            && (Flag is null || record.Flags.Contains(Flag, StringComparer.Ordinal))
            && (From is not { } from || record.Time >= from)
            && (To is not { } to || record.Time < to);
    }

    /// <summary>The page size, within 1..<see cref="MaxLimit"/>.</summary>
    public int PageSize => Math.Clamp(Limit, 1, MaxLimit);
}

/// <summary>
/// A page of records newest first, and the token of the next page (null at the end). A page may hold fewer records
/// than asked for while more follow (a store may stop after examining a bounded number of records); only a null
/// <see cref="NextPage"/> means the end.
/// </summary>
public sealed record AuditPage(IReadOnlyList<AuditRecord> Records, string? NextPage);
