using Confidant.Services.Authorization;
using Microsoft.Extensions.Options;

namespace Confidant.Web.Auth;

/// <summary>Checks the sign-in settings at start-up; every message names the key to fix.</summary>
internal sealed class AuthOptionsValidator(IConfiguration? configuration = null) : IValidateOptions<AuthOptions>
{
    /// <summary>Microsoft.Identity.Web's own section, bound as it documents.</summary>
    public const string AzureAdSectionName = "AzureAd";

    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        List<string> failures = [];
        if (options.IsOidc)
        {
            ValidateOidc(options.Oidc, failures);
        }
        else if (options.IsEntraId)
        {
            ValidateEntraId(configuration?.GetSection(AzureAdSectionName), failures);
        }
        else if (!options.IsDevelopment)
        {
            failures.Add($"Auth:Mode '{options.Mode}' is not a known sign-in mode; set Auth:Mode to " +
                $"'{AuthOptions.DevelopmentMode}', '{AuthOptions.EntraIdMode}' or '{AuthOptions.OidcMode}'.");
        }

        ValidateRoles(options.Roles, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateOidc(OidcProviderOptions oidc, List<string> failures)
    {
        if (string.IsNullOrWhiteSpace(oidc.Authority))
        {
            failures.Add("Auth:Oidc:Authority is required when Auth:Mode is Oidc.");
        }
        else if (!Uri.TryCreate(oidc.Authority, UriKind.Absolute, out var authority)
            || (authority.Scheme != Uri.UriSchemeHttps && authority.Scheme != Uri.UriSchemeHttp))
        {
            failures.Add("Auth:Oidc:Authority must be an absolute http(s) URL.");
        }
        else if (authority.Scheme != Uri.UriSchemeHttps && oidc.RequireHttpsMetadata)
        {
            failures.Add("Auth:Oidc:Authority must use https unless Auth:Oidc:RequireHttpsMetadata is false.");
        }

        if (string.IsNullOrWhiteSpace(oidc.ClientId))
        {
            failures.Add("Auth:Oidc:ClientId is required when Auth:Mode is Oidc.");
        }
    }

    private static void ValidateEntraId(IConfigurationSection? azureAd, List<string> failures)
    {
        foreach (var key in (string[])["Instance", "TenantId", "ClientId"])
        {
            if (string.IsNullOrWhiteSpace(azureAd?[key]))
            {
                failures.Add($"{AzureAdSectionName}:{key} is required when Auth:Mode is EntraId.");
            }
        }
    }

    private static void ValidateRoles(RoleMappingOptions roles, List<string> failures)
    {
        if (!string.IsNullOrWhiteSpace(roles.Default) && !ConfidantRoles.IsKnown(roles.Default.Trim().ToLowerInvariant()))
        {
            failures.Add($"Auth:Roles:Default '{roles.Default}' is not a role; use reader, editor, admin or leave it empty.");
        }

        foreach (var (key, values) in (IEnumerable<(string, string[])>)[("Reader", roles.Reader), ("Editor", roles.Editor), ("Admin", roles.Admin)])
        {
            if (values.Any(string.IsNullOrWhiteSpace))
            {
                failures.Add($"Auth:Roles:{key} contains an empty value.");
            }
        }
    }
}
