using Confidant.Services.Configuration;
using Confidant.Services.Kms;
using Microsoft.Extensions.Options;

namespace Confidant.Web.Commands;

/// <summary>
/// <c>bootstrap generate [--in FILE] [--out FILE]</c> and <c>bootstrap decrypt [--in FILE]</c> (spec §7.4, the
/// original's <c>generate_secrets_bootstrap</c> / <c>decrypt_secrets_bootstrap</c>): encrypts a YAML or JSON
/// document of secret settings with the key service under the master key, or shows one decrypted. Standard input and
/// output when no file is given; decrypt reads <c>SECRETS_BOOTSTRAP</c> (the JSON, or <c>file://PATH</c>) otherwise.
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

        try
        {
            var secrets = options.Value("--in") is { } path ? await File.ReadAllTextAsync(path) : await Console.In.ReadToEndAsync();
            var document = await SecretsBootstrap.GenerateAsync(
                services.GetRequiredService<IKeyService>(),
                services.GetRequiredService<IOptions<KmsOptions>>().Value.MasterKeyId,
                secrets,
                services.GetRequiredService<TimeProvider>());
            await WriteAsync(options.Value("--out"), document, output);
            return 0;
        }
        catch (Exception failure) when (CommandStartup.IsUnavailable(failure))
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

        var configured = Environment.GetEnvironmentVariable("SECRETS_BOOTSTRAP");
        try
        {
            var document = options.Value("--in") is { } path
                ? await File.ReadAllTextAsync(path)
                : configured is { Length: > 0 } value
                    ? value.StartsWith("file://", StringComparison.Ordinal) ? await File.ReadAllTextAsync(value["file://".Length..]) : value
                    : null;
            if (document is null)
            {
                await error.WriteLineAsync("No bootstrap: give --in FILE or set SECRETS_BOOTSTRAP.");
                await error.WriteLineAsync(DecryptUsage);
                return CommandLine.BadArguments;
            }

            await output.WriteAsync(await SecretsBootstrap.DecryptAsync(services.GetRequiredService<IKeyService>(), document));
            return 0;
        }
        catch (Exception failure) when (CommandStartup.IsUnavailable(failure) || failure is Services.Crypto.FernetException or FormatException)
        {
            await error.WriteLineAsync($"bootstrap decrypt: {failure.Message}");
            return 1;
        }
    }

    private static async Task WriteAsync(string? path, string text, TextWriter output)
    {
        if (path is null)
        {
            await output.WriteLineAsync(text);
        }
        else
        {
            await File.WriteAllTextAsync(path, text);
        }
    }
}
