using Confidant.Services.Audit;
using Confidant.Services.Kms;
using Confidant.Web.Auth.Origins;
using Confidant.Web.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;

namespace Confidant.Web.Commands;

/// <summary>
/// <c>sessions revoke --all</c>: revokes every Data Protection key of the shared ring (docs/decisions/0018). Every
/// sign-in cookie and antiforgery token issued so far is refused: on this instance at once, on the others at their next
/// read of the ring. The first instance that protects anything next makes a new key, wrapped under the master key as
/// configured then. It is the answer to a ring that may be in other hands: a master key that wrapped it compromised,
/// or a copy of the store read with it.
/// </summary>
public static class SessionsRevokeCommand
{
    public const string Usage = "usage: sessions revoke --all";

    /// <summary>The audit resource type of the revocation: the ring as a whole (resource id <c>*</c>).</summary>
    public const string Resource = "sessions";

    public static CommandVerb Verb { get; } = new(
        ["sessions", "revoke"],
        Usage,
        "Signs everyone out of every instance: revokes the sign-in keys and makes a new one under the current master key.",
        RunAsync);

    public static async Task<int> RunAsync(IServiceProvider services, IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        if (CommandArguments.Parse(args, 2, [], ["--all"]) is not { } parsed || !parsed.Has("--all"))
        {
            await error.WriteLineAsync(Usage);
            return CommandLine.BadArguments;
        }

        await CommandStartup.PrepareStoresAsync(services);
        var keys = services.GetRequiredService<IKeyManager>();
        var caller = CallerOrigins.ForCommand(Verb.Name);
        // Key by key rather than by date: a revocation date would be compared with creation dates from another clock.
        var revoked = keys.GetAllKeys().Where(k => !k.IsRevoked).Select(k => k.KeyId).ToList();
        foreach (var keyId in revoked)
        {
            keys.RevokeKey(keyId, $"sessions revoke --all by {caller.Name}");
        }

        await services.GetRequiredService<AuditRecorder>().SucceededAsync(
            AuditEntry.For(caller, AuditActions.Admin, Resource, "*") with
            {
                Detail = $"sessions revoke: {revoked.Count} keys revoked ({string.Join(", ", revoked)})",
            });
        var refresh = services.GetRequiredService<IOptions<KeyRingOptions>>().Value.KeyRingRefreshSeconds;
        await output.WriteLineAsync($"sessions revoke: {revoked.Count} keys revoked.");
        await output.WriteLineAsync(
            $"Every sign-in and form issued before now is refused; running instances follow within {refresh} seconds, " +
            $"and the next key is made under {services.GetRequiredService<IOptions<KmsOptions>>().Value.MasterKeyId}.");
        return 0;
    }
}
