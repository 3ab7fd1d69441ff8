using Confidant.Services.ServiceMappings;
using Confidant.Web.Auth.Origins;

namespace Confidant.Web.Commands;

/// <summary>
/// <c>grants ensure --all</c> and <c>grants revoke --all</c> (spec §8.4, the original's <c>manage_kms_auth_grants</c>
/// and <c>revoke_all_kms_auth_grants</c>): give every service whose IAM role exists its two kmsauth grants on the auth
/// key, or take every grant on that key away. Both go through <see cref="KmsGrantService"/> as the operator.
/// </summary>
public static class GrantsCommand
{
    public const string EnsureUsage = "usage: grants ensure --all";
    public const string RevokeUsage = "usage: grants revoke --all";

    private const string NoGrants = "The key service has no grants (the local key ring): there is nothing to manage.";

    public static CommandVerb EnsureVerb { get; } = new(
        ["grants", "ensure"],
        EnsureUsage,
        "Creates the missing kmsauth grants on the auth key for every service that has a same-named IAM role.",
        EnsureAsync);

    public static CommandVerb RevokeVerb { get; } = new(
        ["grants", "revoke"],
        RevokeUsage,
        "Revokes every grant on the auth key (services get theirs back with grants ensure --all).",
        RevokeAsync);

    private static async Task<int> EnsureAsync(IServiceProvider services, IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        var (refusal, grants) = await GrantServiceAsync(services, args, EnsureUsage, error);
        if (grants is null)
        {
            return refusal;
        }

        var caller = CallerOrigins.ForCommand(EnsureVerb.Name);
        IReadOnlyList<string> ids;
        try
        {
            await CommandStartup.PrepareStoresAsync(services);
            ids = [.. (await services.GetRequiredService<ServiceMappingService>().ListAsync(caller)).Items.Select(s => s.Id)];
        }
        catch (Exception failure) when (CommandStartup.IsUnavailable(failure) || CommandStartup.IsItemFailure(failure))
        {
            await error.WriteLineAsync($"grants ensure: {failure.Message}");
            return 1;
        }

        int complete = 0, failed = 0;
        for (var i = 0; i < ids.Count; i++)
        {
            try
            {
                var status = await grants.EnsureAsync(caller, ids[i]);
                complete += status is { EncryptGrant: true, DecryptGrant: true } ? 1 : 0;
                await output.WriteLineAsync(status is { EncryptGrant: true, DecryptGrant: true }
                    ? $"[{i + 1}/{ids.Count}] {ids[i]}: encrypt and decrypt grants in place"
                    : $"[{i + 1}/{ids.Count}] {ids[i]}: no grants (no IAM role of that name, or grant management is off)");
            }
            catch (Exception failure) when (CommandStartup.IsItemFailure(failure))
            {
                failed++;
                await error.WriteLineAsync($"[{i + 1}/{ids.Count}] {ids[i]}: failed: {failure.Message}");
            }
        }

        await output.WriteLineAsync($"grants ensure: {complete} of {ids.Count} services hold their grants, {failed} failed");
        return failed == 0 ? 0 : 1;
    }

    private static async Task<int> RevokeAsync(IServiceProvider services, IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        var (refusal, grants) = await GrantServiceAsync(services, args, RevokeUsage, error);
        if (grants is null)
        {
            return refusal;
        }

        try
        {
            await CommandStartup.PrepareStoresAsync(services);
            var revoked = await grants.RevokeAllAsync(
                CallerOrigins.ForCommand(RevokeVerb.Name),
                grant => output.WriteLineAsync($"revoked {grant.GrantId} (for {grant.GranteePrincipal})"));
            await output.WriteLineAsync($"grants revoke: {revoked.Count} grants revoked");
            return 0;
        }
        catch (Exception failure) when (CommandStartup.IsUnavailable(failure) || CommandStartup.IsItemFailure(failure))
        {
            await error.WriteLineAsync($"grants revoke: {failure.Message}");
            return 1;
        }
    }

    /// <summary>The grant service when the arguments are <c>--all</c> and the key service has grants; else the exit code.</summary>
    private static async Task<(int Refusal, KmsGrantService? Grants)> GrantServiceAsync(
        IServiceProvider services,
        IReadOnlyList<string> args,
        string usage,
        TextWriter error)
    {
        if (CommandArguments.Parse(args, 2, [], ["--all"]) is not { } options || !options.Has("--all"))
        {
            await error.WriteLineAsync(usage);
            return (CommandLine.BadArguments, null);
        }

        var grants = services.GetRequiredService<KmsGrantService>();
        if (!grants.SupportsGrants)
        {
            await error.WriteLineAsync(NoGrants);
            return (1, null);
        }

        return (0, grants);
    }
}
