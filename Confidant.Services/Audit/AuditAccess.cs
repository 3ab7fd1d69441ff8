namespace Confidant.Services.Audit;

/// <summary>One principal's deliveries of a resource: how many, first and last time, and which revisions.</summary>
public sealed record AuditAccess(
    string ActorType,
    string ActorName,
    string? Account,
    long Count,
    DateTimeOffset First,
    DateTimeOffset Last,
    IReadOnlyList<int> Revisions);

/// <summary>A (resource, principal) pair of the access summary.</summary>
public sealed record AuditAccessKey(string ResourceType, string ResourceId, string ActorType, string ActorName, string? Account)
{
    /// <summary>What an entry delivered, as summary keys with the revision (0 when none) of each.</summary>
    public static IEnumerable<(AuditAccessKey Key, int Revision)> Of(AuditEntry entry) =>
        entry.Delivered().Select(item => (
            new AuditAccessKey(item.ResourceType, item.Id, entry.Actor.Type, entry.Actor.Name, entry.Actor.Account),
            item.Revision ?? 0));

    /// <summary>Whether the entry counts in the access summary: a delivery that was made.</summary>
    public static bool Counts(AuditEntry entry) =>
        entry.Outcome == AuditOutcomes.Delivered && AuditActions.IsDelivery(entry.Action);
}

/// <summary>One (principal, revision) row of the access summary, as either backend stores it.</summary>
internal sealed record AccessRow(string ActorType, string ActorName, string? Account, int Revision, long Count, DateTimeOffset First, DateTimeOffset Last)
{
    /// <summary>Per principal, most recent first.</summary>
    public static IReadOnlyList<AuditAccess> Summarize(IEnumerable<AccessRow> rows) => rows
        .GroupBy(r => (r.ActorType, r.ActorName, r.Account))
        .Select(g => new AuditAccess(
            g.Key.ActorType,
            g.Key.ActorName,
            g.Key.Account,
            g.Sum(r => r.Count),
            g.Min(r => r.First),
            g.Max(r => r.Last),
            g.Select(r => r.Revision).Distinct().Order().ToList()))
        .OrderByDescending(a => a.Last)
        .ThenBy(a => a.ActorName, StringComparer.Ordinal)
        .ToList();
}
