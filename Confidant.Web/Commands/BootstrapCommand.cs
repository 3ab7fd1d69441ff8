using Confidant.Services.Audit;
using Confidant.Services.Configuration;
using Confidant.Services.Crypto;
using Confidant.Services.Kms;
using Confidant.Web.Auth.Origins;
using Microsoft.Extensions.Options;

namespace Confidant.Web.Commands;

/// <summary>
/// <c>bootstrap generate [--in FILE] [--out FILE]</c> and <c>bootstrap decrypt [--in FILE]</c> (spec §7.4, the
/// original's <c>generate_secrets_bootstrap</c> / <c>decrypt_secrets_bootstrap</c>): encrypts a YAML or JSON
/// document of secret settings with the key service under the master key, or shows one decrypted. Standard input and
/// output when no file is given; decrypt reads <c>SECRETS_BOOTSTRAP</c> (the JSON, or <c>file://PATH</c>) otherwise.
/// Both are admin acts in the audit trail, the bootstrap named by its fingerprint; a decryption is a delivery, shown
/// only once it is on record.
/// </summary>
public static class BootstrapCommand
{
    public const string GenerateUsage = "usage: bootstrap generate [--in FILE] [--out FILE]";
    public const string DecryptUsage = "usage: bootstrap decrypt [--in FILE]";

    public static CommandVerb GenerateVerb { get; } = new(
        ["bootstrap", "generate"],
        GenerateUsage,
        "Encrypts a YAML/JSON document of secret settings into a SECRETS_BOOTSTRAP value with the key service.",
        GenerateAsync);

    public static CommandVerb DecryptVerb { get; } = new(
        ["bootstrap", "decrypt"],
        DecryptUsage,
        "Shows the secrets of a SECRETS_BOOTSTRAP value (or file) decrypted; treat the output as secret.",
        DecryptAsync);

    private static async Task<int> GenerateAsync(IServiceProvider services, IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        if (CommandArguments.Parse(args, 2, ["--in", "--out"], []) is not { } options)
        {
            await error.WriteLineAsync(GenerateUsage);
            return CommandLine.BadArguments;
        }

        var destination = options.Value("--out");
        try
        {
            var secrets = options.Value("--in") is { } path ? await File.ReadAllTextAsync(path) : await Console.In.ReadToEndAsync();

            // Refused now rather than at the start of the server that would read it.
            var settings = SecretsBootstrap.ParseSecrets(secrets);
            var document = await SecretsBootstrap.GenerateAsync(
                services.GetRequiredService<IKeyService>(),
                services.GetRequiredService<IOptions<KmsOptions>>().Value.MasterKeyId,
                secrets,
                services.GetRequiredService<TimeProvider>());
            if (destination is null)
            {
                await output.WriteLineAsync(document);
            }
            else
            {
                await File.WriteAllTextAsync(destination, document);
            }

            // Only ciphertext left: the bootstrap stands whether or not its record can be stored (logged if not).
            await services.GetRequiredService<IAuditStore>().InitializeAsync();
            await services.GetRequiredService<AuditRecorder>().SucceededAsync(Entry(GenerateVerb, document) with
            {
                Detail = $"bootstrap generate: {settings.Count} settings, to {destination ?? "standard output"}",
            });
            return 0;
        }
        catch (Exception failure) when (CommandStartup.IsUnavailable(failure) || failure is InvalidDataException)
        {
            await error.WriteLineAsync($"bootstrap generate: {failure.Message}");
            return 1;
        }
    }

    private static async Task<int> DecryptAsync(IServiceProvider services, IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        if (CommandArguments.Parse(args, 2, ["--in"], []) is not { } options)
        {
            await error.WriteLineAsync(DecryptUsage);
            return CommandLine.BadArguments;
        }

        var setting = options.Value("--in") is { } path ? $"file://{path}" : SecretsBootstrap.Configured(Environment.GetEnvironmentVariables());
        if (setting is null)
        {
            await error.WriteLineAsync($"No bootstrap: give --in FILE or set {SecretsBootstrap.SettingName}.");
            await error.WriteLineAsync(DecryptUsage);
            return CommandLine.BadArguments;
        }

        try
        {
            var document = await SecretsBootstrap.ReadDocumentAsync(setting);
            var entry = Entry(DecryptVerb, document) with { Detail = $"bootstrap decrypt: from {SecretsBootstrap.Source(setting)}" };
            await services.GetRequiredService<IAuditStore>().InitializeAsync();
            var audit = services.GetRequiredService<AuditRecorder>();
            var secrets = await audit.GuardAsync(entry, () => SecretsBootstrap.DecryptAsync(services.GetRequiredService<IKeyService>(), document));
            await audit.DeliveredAsync(entry);
            await output.WriteAsync(secrets);
            return 0;
        }
        catch (Exception failure) when (CommandStartup.IsUnavailable(failure) || failure is FernetException or InvalidDataException)
        {
            await error.WriteLineAsync($"bootstrap decrypt: {failure.Message}");
            return 1;
        }
    }

    private static AuditEntry Entry(CommandVerb verb, string document) =>
        AuditEntry.For(CallerOrigins.ForCommand(verb.Name), AuditActions.Admin, SecretsBootstrap.AuditResource, SecretsBootstrap.Fingerprint(document));
}
