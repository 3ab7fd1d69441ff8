using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Confidant.Services.Authorization;

public enum AclPolicyKind
{
    /// <summary><see cref="DefaultAclPolicy"/>: spec §3.3, narrowed by people's roles.</summary>
    Default,

    /// <summary><see cref="AllowAllAclPolicy"/>: no access control at all.</summary>
    AllowAll,
}

/// <summary>Configuration section <c>Acl</c>: which ACL policy is in effect (spec §10.1 ACL_MODULE).</summary>
public sealed class AclOptions
{
    public const string SectionName = "Acl";

    public AclPolicyKind Policy { get; set; } = AclPolicyKind.Default;

    /// <summary>
    /// A secret store must not run without access control by accident: outside the Development environment
    /// <see cref="AclPolicyKind.AllowAll"/> is refused unless this is true as well.
    /// </summary>
    public bool ConfirmAllowAll { get; set; }
}

internal sealed class AclOptionsValidator(IHostEnvironment environment) : IValidateOptions<AclOptions>
{
    public ValidateOptionsResult Validate(string? name, AclOptions options)
    {
        if (!Enum.IsDefined(options.Policy))
        {
            return ValidateOptionsResult.Fail("Acl:Policy must be Default or AllowAll.");
        }

        return options.Policy == AclPolicyKind.AllowAll && !options.ConfirmAllowAll && !environment.IsDevelopment()
            ? ValidateOptionsResult.Fail(
                $"Acl:Policy is AllowAll (ACL_MODULE=confidant.authnz.rbac:no_acl): every caller, any service included, may read and change every secret. "
                + $"Outside the Development environment (this is {environment.EnvironmentName}) set Acl:ConfirmAllowAll=true as well to run so, or use Acl:Policy=Default.")
            : ValidateOptionsResult.Success;
    }
}
