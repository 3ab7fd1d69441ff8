namespace Confidant.Services.Audit;

/// <summary>
/// One audited act: who (name, type, OIDC subject, e-mail, address), did what, to which resource and revision,
/// when. Never holds a secret value.
/// </summary>
public sealed record AuditEvent
{
    /// <summary>Sortable unique id: the time (UTC, microseconds) followed by random hex.</summary>
    public required string Id { get; init; }
    public required DateTimeOffset Time { get; init; }
    public required string Action { get; init; }
    public required string ResourceType { get; init; }
    public required string ResourceId { get; init; }
    public int? Revision { get; init; }
    public required string Actor { get; init; }
    public required string ActorType { get; init; }
    public string? Subject { get; init; }
    public string? Email { get; init; }
    public string? Address { get; init; }

    /// <summary>The service mapping a secret was read through, for workload reads.</summary>
    public string? Via { get; init; }
}

/// <summary>The audited acts.</summary>
public static class AuditActions
{
    /// <summary>A person or workload was shown a credential's values.</summary>
    public const string Reveal = "reveal";

    /// <summary>A workload read a credential's values through its service mapping.</summary>
    public const string ServiceRead = "service_read";

    public const string Create = "create";
    public const string Update = "update";
    public const string Revert = "revert";
    public const string Archive = "archive";

    /// <summary>A JWT was handed out (resource type <c>jwt</c>, resource <c>&lt;environment&gt;/&lt;subject&gt;</c>).</summary>
    public const string JwtIssue = "jwt_issue";
}

/// <summary>A query of the audit trail, newest first. Null filters match everything.</summary>
public sealed record AuditQuery(string? ResourceId = null, string? Actor = null, int Limit = 100, string? Page = null);

/// <summary>A page of audit events and the token of the next page (null at the end).</summary>
public sealed record AuditPage(IReadOnlyList<AuditEvent> Events, string? NextPage);
