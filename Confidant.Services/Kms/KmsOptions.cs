using Microsoft.Extensions.Options;

namespace Confidant.Services.Kms;

/// <summary>The key provider and the at-rest key (spec §7.1, §10.4 <c>KMS_MASTER_KEY</c>).</summary>
public sealed class KmsOptions
{
    public const string SectionName = "Kms";

    /// <summary><c>Local</c> (embedded key ring, the default) or <c>Aws</c>.</summary>
    public string Provider { get; set; } = nameof(KmsProvider.Local);

    /// <summary>The at-rest key: alias, key id or ARN. The local ring only creates keys for <c>alias/...</c> names.</summary>
    public string MasterKeyId { get; set; } = "alias/confidant-at-rest";

    public string Region { get; set; } = "us-east-1";

    /// <summary>Endpoint override (for example a moto server); empty means the regional AWS endpoint.</summary>
    public string? ServiceUrl { get; set; }

    /// <summary>Relative paths resolve against the host content root.</summary>
    public string LocalKeyRingPath { get; set; } = "App_Data/confidant.keyring.json";

    public int DataKeyCacheSize { get; set; } = 1024;

    public int DataKeyCacheSeconds { get; set; } = 300;

    /// <summary>The longest one key-service call may take before the request is answered 503.</summary>
    public int CallTimeoutSeconds { get; set; } = 5;

    public TimeSpan CallTimeout => TimeSpan.FromSeconds(CallTimeoutSeconds);

    /// <summary>The parsed <see cref="Provider"/>, or null when it names no provider.</summary>
    public KmsProvider? ProviderKind =>
        Enum.TryParse<KmsProvider>(Provider, ignoreCase: true, out var kind) && Enum.IsDefined(kind) ? kind : null;
}

public enum KmsProvider
{
    Local,
    Aws,
}

internal sealed class KmsOptionsValidator : IValidateOptions<KmsOptions>
{
    internal const int MaxCacheSize = 1_000_000;
    internal const int MaxCacheSeconds = 86_400;
    internal const int MaxCallTimeoutSeconds = 300;

    public ValidateOptionsResult Validate(string? name, KmsOptions options)
    {
        var failures = new List<string>();
        var kind = options.ProviderKind;
        if (kind is null || int.TryParse(options.Provider, out _))
        {
            failures.Add($"Kms:Provider must be one of Local, Aws (was '{options.Provider}').");
        }

        if (string.IsNullOrWhiteSpace(options.MasterKeyId))
        {
            failures.Add("Kms:MasterKeyId must name the at-rest key (alias/..., key id or ARN).");
        }
        else if (kind == KmsProvider.Local && !options.MasterKeyId.StartsWith("alias/", StringComparison.Ordinal))
        {
            // The local ring creates its keys on first start, so it can only be asked for a key by alias.
            failures.Add($"Kms:MasterKeyId must be an alias/... name with the Local provider (was '{options.MasterKeyId}').");
        }

        if (kind == KmsProvider.Aws && string.IsNullOrWhiteSpace(options.Region))
        {
            failures.Add("Kms:Region must be set with the Aws provider.");
        }

        if (!string.IsNullOrEmpty(options.ServiceUrl)
            && !(Uri.TryCreate(options.ServiceUrl, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"))
        {
            failures.Add($"Kms:ServiceUrl must be an absolute http(s) URL (was '{options.ServiceUrl}').");
        }

        if (kind == KmsProvider.Local && string.IsNullOrWhiteSpace(options.LocalKeyRingPath))
        {
            failures.Add("Kms:LocalKeyRingPath must be set with the Local provider.");
        }

        if (options.DataKeyCacheSize is < 1 or > MaxCacheSize)
        {
            failures.Add($"Kms:DataKeyCacheSize must be between 1 and {MaxCacheSize} (was {options.DataKeyCacheSize}).");
        }

        if (options.DataKeyCacheSeconds is < 1 or > MaxCacheSeconds)
        {
            failures.Add($"Kms:DataKeyCacheSeconds must be between 1 and {MaxCacheSeconds} (was {options.DataKeyCacheSeconds}).");
        }

        if (options.CallTimeoutSeconds is < 1 or > MaxCallTimeoutSeconds)
        {
            failures.Add($"Kms:CallTimeoutSeconds must be between 1 and {MaxCallTimeoutSeconds} (was {options.CallTimeoutSeconds}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
