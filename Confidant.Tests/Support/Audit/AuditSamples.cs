using Confidant.Services.Audit;

namespace Confidant.Tests.Support.Audit;

/// <summary>Entries as the domain reports them, for the ledger's tests.</summary>
public static class AuditSamples
{
    public static AuditActor Person(string email) => new(email, "user", "sub-" + email, email, null, AuditAuthMethods.Oidc);

    public static AuditActor Workload(string name, string? account = null) => new(name, "service", null, null, account, AuditAuthMethods.KmsAuth);

    public static AuditOrigin Rest(string route, string requestId = "req-1") =>
        new(AuditChannels.Rest, route, "10.1.2.3", "confidant-client/1.4 (python)", requestId);

    /// <summary>A workload's read of a service: one record listing the credentials delivered.</summary>
    public static AuditEntry ServiceRead(AuditActor actor, string service, params (string Id, int Revision)[] credentials) => new()
    {
        Action = AuditActions.ServiceRead,
        Outcome = AuditOutcomes.Delivered,
        ResourceType = "service",
        ResourceId = service,
        Items = [.. credentials.Select(c => new AuditItem("credential", c.Id, c.Revision))],
        Via = service,
        Actor = actor,
        Origin = Rest("GET /v1/services/{id}"),
    };

    public static AuditEntry Reveal(AuditActor actor, string credential, int revision, string outcome = AuditOutcomes.Delivered) => new()
    {
        Action = AuditActions.Reveal,
        Outcome = outcome,
        ResourceType = "credential",
        ResourceId = credential,
        Revision = revision,
        Detail = outcome == AuditOutcomes.Denied ? "reader role" : null,
        Actor = actor,
        Origin = new AuditOrigin(AuditChannels.Ui, "/credentials/{id}", "192.0.2.7", "Mozilla/5.0", "circuit-7"),
    };

    /// <summary>Ten credentials of a service, with distinct 32-hex-digit ids, as Confidant makes them.</summary>
    public static (string Id, int Revision)[] CredentialsOf(string service, int count = 10) =>
        [.. Enumerable.Range(0, count).Select(i => (Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{service}/{i}")))[..32], 1 + (i % 3)))];
}
