using System.Collections;
using Confidant.Services.Configuration;
using Confidant.Services.Crypto;
using Confidant.Services.Kms;
using Confidant.Services.KmsAuth;
using Microsoft.Extensions.Options;

namespace Confidant.Web.Configuration;

/// <summary>
/// Reads <c>SECRETS_BOOTSTRAP</c> while the host is configured (spec §7.4), before any area reads its settings: the
/// bootstrap can hold sign-in secrets and signing keys that decide what is registered. It is decrypted with the key
/// service as configured so far, which is sound because none of the key service's settings can come from it.
/// </summary>
internal static class SecretsBootstrapStartup
{
    /// <summary>
    /// The decrypted setting name → value pairs of the bootstrap <paramref name="environment"/> names, or none when it
    /// names none. Anything that keeps it from being read stops the start with a message that names the cause and
    /// never a value: the original logged an unreadable file and went on without its secrets, which leaves a
    /// deployment half-configured (docs/decisions/0005).
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, string>> ReadAsync(IDictionary environment, IConfiguration configuration, IHostEnvironment host)
    {
        if (SecretsBootstrap.Configured(environment) is not { } setting)
        {
            return new Dictionary<string, string>();
        }

        var source = SecretsBootstrap.Source(setting);
        string document;
        try
        {
            document = await SecretsBootstrap.ReadDocumentAsync(setting);
        }
        catch (Exception failure) when (failure is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new InvalidOperationException($"{SecretsBootstrap.SettingName}: the file {source} could not be read ({failure.GetType().Name}).");
        }

        await using var keys = KeyService(configuration, host);
        var timeout = keys.GetRequiredService<IOptions<KmsOptions>>().Value.CallTimeout;
        try
        {
            using var deadline = new CancellationTokenSource(timeout);
            var text = await SecretsBootstrap.DecryptAsync(keys.GetRequiredService<IKeyService>(), document, deadline.Token);
            return SecretsBootstrap.ParseSecrets(text);
        }
        catch (InvalidDataException failure)
        {
            throw new InvalidOperationException($"{SecretsBootstrap.SettingName} ({source}) could not be decrypted: {failure.Message}");
        }
        catch (Exception failure) when (failure is KeyServiceException or FernetException or OperationCanceledException or InvalidOperationException
            or Amazon.Runtime.AmazonServiceException or HttpRequestException or IOException)
        {
            // Only the kind: a key service's message may echo what it was given.
            throw new InvalidOperationException(
                $"{SecretsBootstrap.SettingName} ({source}) could not be decrypted with the configured key service "
                + $"(Kms:Provider, Kms:Region, Kms:ServiceUrl, the local key ring): {Kind(failure)}.");
        }
    }

    private static string Kind(Exception failure) => failure switch
    {
        KeyServiceException key => $"the key service refused it ({key.Error})",
        FernetException => "the secrets do not open with the data key",
        OperationCanceledException => "the key service did not answer in time",
        _ => failure.GetType().Name,
    };

    /// <summary>The configured key service alone, in a provider of its own that is disposed once the bootstrap is read.</summary>
    private static ServiceProvider KeyService(IConfiguration configuration, IHostEnvironment host)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = host.ContentRootPath,
            EnvironmentName = host.EnvironmentName,
        });
        builder.Configuration.AddConfiguration(configuration);
        builder.Services.AddOptions<KmsAuthOptions>().BindConfiguration(KmsAuthOptions.SectionName);
        builder.AddConfidantKms();
        return builder.Services.BuildServiceProvider();
    }
}
