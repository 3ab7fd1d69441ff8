using System.Globalization;
using Confidant.Services.Audit;
using Confidant.Services.Kms;
using Confidant.Services.Rekey;
using Confidant.Web.Auth.Origins;
using Microsoft.Extensions.Options;

namespace Confidant.Web.Commands;

/// <summary>
/// <c>keys list|rotate|disable|enable</c>: the embedded key ring's keys (<c>Kms:Provider=Local</c>). Rotation adds a key
/// and moves the master alias onto it; once a completed rekey job has moved every data key off the old key, it can be
/// disabled and every credential still reads. Servers sharing the ring file follow within a second. Each change is
/// recorded in the audit trail as the operating-system user who made it.
/// </summary>
public static class KeysCommands
{
    private const string AwsAdvice =
        "The keys verbs administer the embedded key ring (Kms:Provider=Local). With AWS KMS, create a key and point the alias at it "
        + "(aws kms create-key; aws kms update-alias), then re-wrap with: rekey start (or rekey run).";

    public static CommandVerb List { get; } = new(
        ["keys", "list"],
        "usage: keys list",
        "Lists the local key ring's keys: id, creation date, enabled, aliases.",
        RunListAsync);

    public static CommandVerb Rotate { get; } = new(
        ["keys", "rotate"],
        "usage: keys rotate [--alias ALIAS]",
        "Adds a key to the local key ring and points the master alias (Kms:MasterKeyId, or ALIAS) at it; the old key still decrypts.",
        RunRotateAsync);

    public static CommandVerb Disable { get; } = new(
        ["keys", "disable"],
        "usage: keys disable KEY_ID [--force]",
        "Disables a local key once a completed rekey job moved every data key off it (--force: whatever the job says).",
        (services, args, output, error) => RunEnableAsync(services, args, output, error, enable: false));

    public static CommandVerb Enable { get; } = new(
        ["keys", "enable"],
        "usage: keys enable KEY_ID",
        "Enables a disabled local key again.",
        (services, args, output, error) => RunEnableAsync(services, args, output, error, enable: true));

    private static async Task<int> RunListAsync(IServiceProvider services, IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        if (Arguments(args) is not [])
        {
            await error.WriteLineAsync(List.Usage);
            return CommandLine.BadArguments;
        }

        if (services.GetService<ILocalKeyRing>() is not { } ring)
        {
            await error.WriteLineAsync(AwsAdvice);
            return CommandLine.BadArguments;
        }

        foreach (var key in ring.Keys())
        {
            await output.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"{key.KeyId}  {key.Created.UtcDateTime:u}  {(key.Enabled ? "enabled " : "disabled")}  {(key.IsHmac ? "hmac" : "aes ")}  {string.Join(", ", key.Aliases)}"));
        }

        return 0;
    }

    private static async Task<int> RunRotateAsync(IServiceProvider services, IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        var rest = Arguments(args);
        if (rest is not ([] or ["--alias", _]) || (rest is [_, var named] && !named.StartsWith("alias/", StringComparison.Ordinal)))
        {
            await error.WriteLineAsync(Rotate.Usage);
            return CommandLine.BadArguments;
        }

        if (services.GetService<ILocalKeyRing>() is not { } ring)
        {
            await error.WriteLineAsync(AwsAdvice);
            return CommandLine.BadArguments;
        }

        var alias = rest is [_, var given] ? given : services.GetRequiredService<IOptions<KmsOptions>>().Value.MasterKeyId;
        var previous = ring.Keys().FirstOrDefault(k => k.Aliases.Contains(alias, StringComparer.Ordinal));
        LocalKeyInfo rotated;
        try
        {
            rotated = ring.Rotate(alias);
        }
        catch (KeyServiceException refusal)
        {
            await error.WriteLineAsync(refusal.Message);
            await error.WriteLineAsync(Rotate.Usage);
            return CommandLine.BadArguments;
        }

        await RecordAsync(services, Rotate.Name, rotated.KeyId, $"keys rotate: {alias} moved from {previous?.KeyId} to {rotated.KeyId}");
        await output.WriteLineAsync($"{alias} now names key {rotated.KeyId} (was {previous?.KeyId}).");
        await output.WriteLineAsync("New writes use the new key; servers sharing the key ring follow within a second.");
        await output.WriteLineAsync($"Re-wrap what the old key holds: rekey start (or rekey run); then: keys disable {previous?.KeyId}");
        return 0;
    }

    private static async Task<int> RunEnableAsync(IServiceProvider services, IReadOnlyList<string> args, TextWriter output, TextWriter error, bool enable)
    {
        var verb = enable ? Enable : Disable;
        var rest = Arguments(args);
        var force = !enable && rest.Remove("--force");
        if (rest is not [var keyId] || keyId.StartsWith("--", StringComparison.Ordinal))
        {
            await error.WriteLineAsync(verb.Usage);
            return CommandLine.BadArguments;
        }

        if (services.GetService<ILocalKeyRing>() is not { } ring)
        {
            await error.WriteLineAsync(AwsAdvice);
            return CommandLine.BadArguments;
        }

        var key = ring.Keys().FirstOrDefault(k => k.KeyId == keyId || k.Arn == keyId);
        if (key is null)
        {
            await error.WriteLineAsync($"Key '{keyId}' is not in the local key ring (keys list shows its keys).");
            await error.WriteLineAsync(verb.Usage);
            return CommandLine.BadArguments;
        }

        if (!enable && !force && await StillInUseAsync(services, key) is { } reason)
        {
            await error.WriteLineAsync($"Key {key.KeyId} may still wrap stored data keys: {reason}");
            await error.WriteLineAsync("Run the rekey job to completion first (rekey run), or disable it anyway with --force.");
            return 1;
        }

        try
        {
            key = ring.SetEnabled(key.KeyId, enable);
        }
        catch (KeyServiceException refusal)
        {
            await error.WriteLineAsync(refusal.Message);
            return 1;
        }

        await RecordAsync(services, verb.Name, key.KeyId, $"{verb.Name}: key {key.KeyId}{(force ? " (forced)" : string.Empty)}");
        await output.WriteLineAsync($"key {key.KeyId} {(enable ? "enabled" : "disabled")}; servers sharing the key ring follow within a second.");
        return 0;
    }

    /// <summary>Why the last rekey job does not show that no data key is left under <paramref name="key"/>, or null.</summary>
    private static async Task<string?> StillInUseAsync(IServiceProvider services, LocalKeyInfo key)
    {
        if (key.IsHmac)
        {
            return null;
        }

        var job = await services.GetRequiredService<RekeyService>().GetAsync(CallerOrigins.ForCommand(Disable.Name));
        return job switch
        {
            null => "no rekey job has run.",
            { Succeeded: false } => $"the last rekey job ({job.Id}) is {RekeyStatuses.ToWire(job.Status)}{(job.Failed > 0 ? $" with {job.Failed} failed items" : string.Empty)}.",
            _ when job.TargetKeyArn == key.Arn => $"the last rekey job ({job.Id}) moved everything onto this very key.",
            _ when job.StartedAt < key.Created => $"the last rekey job ({job.Id}) started before this key was made.",
            _ => null,
        };
    }

    private static async Task RecordAsync(IServiceProvider services, string verb, string keyId, string detail)
    {
        await services.GetRequiredService<IAuditStore>().InitializeAsync();
        await services.GetRequiredService<AuditRecorder>().SucceededAsync(
            AuditEntry.For(CallerOrigins.ForCommand(verb), AuditActions.KeyChange, "key", keyId) with { Detail = detail });
    }

    private static List<string> Arguments(IReadOnlyList<string> args) => [.. args.Skip(2).Where(a => !CommandLine.IsSetting(a))];
}
