namespace Confidant.Services.Audit;

/// <summary>The audited acts. Deliveries give secret values to the actor; the rest change things or run the ledger.</summary>
public static class AuditActions
{
    /// <summary>A person or workload was shown a credential's values.</summary>
    public const string Reveal = "reveal";

    /// <summary>A workload read a service's credentials (one record listing them).</summary>
    public const string ServiceRead = "service_read";

    public const string BlindRead = "blind_read";
    public const string Diff = "diff";

    /// <summary>A write whose answer carries the values written.</summary>
    public const string UpdateEcho = "update_echo";

    public const string Export = "export";

    public const string Create = "create";
    public const string Update = "update";
    public const string Revert = "revert";
    public const string Archive = "archive";
    public const string Restore = "restore";
    public const string Grants = "grants";
    public const string Admin = "admin";

    /// <summary>The owners of an incident were sent a message (resource type <c>incident</c>; detail: whom, which event).</summary>
    public const string NotifyOwners = "notify_owners";

    /// <summary>A certificate was issued for a caller's own key (a CSR).</summary>
    public const string CertificateIssue = "certificate_issue";

    /// <summary>A certificate was issued with a key the server generated: the private key was handed out.</summary>
    public const string CertificateIssueWithKey = "certificate_issue_with_key";

    /// <summary>A JWT was handed out (resource type <c>jwt</c>, resource <c>&lt;environment&gt;/&lt;subject&gt;</c>).</summary>
    public const string JwtIssue = "jwt_issue";

    /// <summary>A credential or blind credential was marked exposed (detail: the incident and revisions).</summary>
    public const string ExposureMark = "exposure_mark";

    /// <summary>An exposure mark cleared: no exposed pair is held any more (revision: the one that rotated the last).</summary>
    public const string ExposureClear = "exposure_clear";

    /// <summary>The <c>fingerprints backfill</c> verb ran (detail: what it fingerprinted).</summary>
    public const string FingerprintBackfill = "fingerprint_backfill";

    /// <summary>The first record of a chain: the heads of the other open chains it saw (its witnesses).</summary>
    public const string ChainOpen = "chain_open";

    /// <summary>The last record of a chain closed by its own process on a clean shutdown.</summary>
    public const string ChainClose = "chain_close";

    /// <summary>The last record of a chain whose process stopped without closing it, written by another process.</summary>
    public const string ChainSeal = "chain_seal";

    /// <summary>A re-encryption job was queued (resource type <c>rekey</c>, the job's id).</summary>
    public const string RekeyQueue = "rekey_queue";

    /// <summary>A worker started the job, or resumed it after a stop (its detail says which).</summary>
    public const string RekeyStart = "rekey_start";

    /// <summary>The job's counts, every <c>Rekey:ProgressEveryItems</c> items or <c>Rekey:ProgressEverySeconds</c>.</summary>
    public const string RekeyProgress = "rekey_progress";

    /// <summary>The job ended: succeeded when every item was done, failed otherwise.</summary>
    public const string RekeyEnd = "rekey_end";

    /// <summary>One item the job could not re-encrypt (resource type <c>credential</c>, its id and revision).</summary>
    public const string RekeyItemFailed = "rekey_item_failed";

    public const string RekeyPause = "rekey_pause";
    public const string RekeyResume = "rekey_resume";

    /// <summary>
    /// The <c>backup</c> verb copied the SQLite database, ciphertexts and audit trail, to a file (resource type
    /// <c>store</c>, the database path; detail: the copy's path and size, or why it failed).
    /// </summary>
    public const string Backup = "backup";

    /// <summary>A key of the local key ring was rotated, disabled or enabled (resource type <c>key</c>).</summary>
    public const string KeyChange = "key_change";

    private static readonly HashSet<string> DeliveryActions = new(StringComparer.Ordinal)
    {
        Reveal, ServiceRead, BlindRead, Diff, UpdateEcho, Export,
    };

    /// <summary>Whether <paramref name="action"/> hands secret values to the actor.</summary>
    public static bool IsDelivery(string action) => DeliveryActions.Contains(action);

    public static bool IsChainEnd(string action) => action is ChainClose or ChainSeal;
}
