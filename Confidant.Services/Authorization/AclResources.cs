namespace Confidant.Services.Authorization;

/// <summary>Resource types of the ACL hook (spec §3.2).</summary>
public static class AclResources
{
    public const string Credential = "credential";
    public const string Service = "service";
    public const string BlindCredential = "blind_credential";
    public const string Certificate = "certificate";
    public const string Ca = "ca";
    public const string Jwt = "jwt";

    /// <summary>Notifications: the delivery log (<c>list</c>) and messages to owners (<c>create</c>); admins only, services never.</summary>
    public const string Notification = "notification";

    /// <summary>The audit trail: who received which secret (admins only; services never).</summary>
    public const string Audit = "audit";

    /// <summary>An incident's rotation progress (action <c>get</c>): what was exposed under it, what is still pending.</summary>
    public const string Incident = "incident";

    /// <summary>The re-encryption job (rotating the wrapper key, re-keying credentials): admins only; services never.</summary>
    public const string Rekey = "rekey";
}

/// <summary>Actions of the ACL hook (spec §3.2).</summary>
public static class AclActions
{
    public const string List = "list";
    public const string Create = "create";
    public const string Metadata = "metadata";
    public const string Get = "get";
    public const string Update = "update";
    public const string Revert = "revert";
    public const string Archive = "archive";

    /// <summary>
    /// credential:access — who received a credential since its last rotation (its access panel). The default policy
    /// asks for the editor role, as for revealing: whoever may see the values may see who else received them.
    /// </summary>
    public const string Access = "access";

    /// <summary>
    /// credential / blind_credential / service:expose — mark it exposed. The default policy asks for the editor role;
    /// the domain asks for <c>Exposure:MarkRole</c> (admin by default) on top.
    /// </summary>
    public const string Expose = "expose";
}
