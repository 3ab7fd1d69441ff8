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

    /// <summary>Role names offered as service-name suggestions.</summary>
    public List<string> Roles { get; set; } = [];
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
