namespace Confidant.Services.Iam;

/// <summary>IAM roles, for service-name suggestions (spec §8.3) and grant principals (spec §8.4).</summary>
public interface IRoleDirectory
{
    /// <summary>Names of the roles of the account.</summary>
    Task<IReadOnlyList<string>> ListRoleNamesAsync(CancellationToken cancellationToken = default);

    /// <summary>The ARN of the role named <paramref name="roleName"/>, or null when there is no such role.</summary>
    Task<string?> GetRoleArnAsync(string roleName, CancellationToken cancellationToken = default);
}

/// <summary>Settings of the role directory.</summary>
public sealed class IamOptions
{
    public const string SectionName = "Iam";

    /// <summary>The AWS account id whose roles services are named after; role ARNs are built from it.</summary>
    public string? AccountId { get; set; }

    /// <summary>Role names offered as service-name suggestions (the Configured provider).</summary>
    public List<string> Roles { get; set; } = [];

    public const string ConfiguredProvider = "Configured";
    public const string AwsProvider = "Aws";

    /// <summary>
    /// <c>Configured</c> (roles listed here) or <c>Aws</c> (IAM ListRoles / GetRole). Unset, it follows the key
    /// service: <c>Aws</c> with <c>Kms:Provider=Aws</c>, as the original always asks IAM (spec §8.3, §8.4), so that
    /// new services get their kmsauth grants; <c>Configured</c> with the local key ring.
    /// </summary>
    public string Provider { get; set; } = ConfiguredProvider;

    /// <summary>IAM endpoint override (e.g. a local AWS emulator).</summary>
    public string? ServiceUrl { get; set; }

    /// <summary>Region used to sign IAM requests (IAM is global; AWS signs it for us-east-1).</summary>
    public string Region { get; set; } = "us-east-1";

    /// <summary>BACKGROUND_CACHE_IAM_ROLE_REFRESH_RATE: how long the role list is kept, in seconds (at least 60).</summary>
    public int RoleCacheSeconds { get; set; } = 600;
}

/// <summary>
/// Roles from configuration: the names listed in <c>Iam:Roles</c>, ARNs built from <c>Iam:AccountId</c>. A role that is
/// not listed does not exist, as IAM would say.
/// </summary>
internal sealed class ConfiguredRoleDirectory(Microsoft.Extensions.Options.IOptions<IamOptions> options) : IRoleDirectory
{
    public Task<IReadOnlyList<string>> ListRoleNamesAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<string>>(options.Value.Roles.Order(StringComparer.Ordinal).ToList());

    public Task<string?> GetRoleArnAsync(string roleName, CancellationToken cancellationToken = default)
    {
        var settings = options.Value;
        return Task.FromResult(settings.AccountId is { Length: > 0 } account && settings.Roles.Contains(roleName, StringComparer.Ordinal)
            ? $"arn:aws:iam::{account}:role/{roleName}"
            : null);
    }
}
