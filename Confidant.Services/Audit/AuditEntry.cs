using Confidant.Services.Authorization;

namespace Confidant.Services.Audit;

/// <summary>
/// What the domain reports for one audited act: who (<see cref="Actor"/>), from where (<see cref="Origin"/>), did what
/// (<see cref="Action"/>, <see cref="Outcome"/>) to which resource and revision. A delivery of several resources at
/// once (the credentials of one service read) is one entry listing them in <see cref="Items"/>. Never holds a secret.
/// </summary>
public sealed record AuditEntry
{
    public required string Action { get; init; }

    /// <summary>One of <see cref="AuditOutcomes"/>.</summary>
    public required string Outcome { get; init; }

    public required string ResourceType { get; init; }

    public required string ResourceId { get; init; }

    public int? Revision { get; init; }

    /// <summary>
    /// What was delivered, when it is more than the resource itself (for example a service's credentials). Never
    /// changed once the entry is recorded: the ledger may keep what it derives from a list with the list instance.
    /// </summary>
    public IReadOnlyList<AuditItem> Items { get; init; } = [];

    /// <summary>The service mapping a secret was read through, for workload reads.</summary>
    public string? Via { get; init; }

    /// <summary>A short, non-secret note: a denial reason or a failure class.</summary>
    public string? Detail { get; init; }

    public required AuditActor Actor { get; init; }

    public required AuditOrigin Origin { get; init; }

    /// <summary>
    /// An entry for what <paramref name="caller"/> does to one resource, from where the host says the caller came
    /// from; delivered for a delivery, succeeded otherwise (the recorder sets the outcome it ends with).
    /// </summary>
    public static AuditEntry For(ConfidantPrincipal caller, string action, string resourceType, string resourceId, int? revision = null) => new()
    {
        Action = action,
        Outcome = AuditActions.IsDelivery(action) ? AuditOutcomes.Delivered : AuditOutcomes.Succeeded,
        ResourceType = resourceType,
        ResourceId = resourceId,
        Revision = revision,
        Actor = AuditActor.From(caller),
        Origin = caller.Origin ?? AuditOrigin.Unknown with { Address = caller.Address },
    };

    /// <summary>The resources this entry gave <see cref="Actor"/>: its items, or else the resource itself.</summary>
    public IReadOnlyList<AuditItem> Delivered() =>
        Items.Count > 0 ? Items : [new AuditItem(ResourceType, ResourceId, Revision)];
}

/// <summary>One resource of an entry, at the revision concerned.</summary>
public sealed record AuditItem(string ResourceType, string Id, int? Revision);
