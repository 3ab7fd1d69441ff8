using Confidant.Services.Audit;
using Confidant.Services.Authorization;

namespace Confidant.Web.Commands;

/// <summary>
/// Who runs a command: the operator at this machine's console, named by the OS user and host (<c>user@host</c>), with
/// the admin role. Commands run with the server's configuration, so whoever can run one can already read its keys;
/// the audit trail records them as <c>command</c> acts on the verb's route, with the host as the address.
/// </summary>
public static class OperatorIdentity
{
    /// <summary>The operator running <paramref name="verb"/> (for example <c>archive</c> or <c>grants revoke</c>).</summary>
    public static ConfidantPrincipal For(string verb)
    {
        var host = Environment.MachineName;
        return new ConfidantPrincipal(
            $"{Environment.UserName}@{host}",
            ConfidantPrincipal.User,
            Roles: new HashSet<string>(StringComparer.Ordinal) { ConfidantRoles.Admin },
            Address: host)
        {
            Origin = new AuditOrigin(AuditChannels.Command, verb, Address: host),
            AuthMethod = AuditAuthMethods.Command,
        };
    }
}
