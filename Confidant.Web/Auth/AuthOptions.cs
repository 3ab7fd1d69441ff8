using Microsoft.Extensions.Options;

namespace Confidant.Web.Auth;

internal sealed class AuthOptions
{
    public const string SectionName = "Auth";

    public const string DevelopmentMode = "Development";

    public string Mode { get; set; } = DevelopmentMode;

    public bool IsDevelopment => string.Equals(Mode, DevelopmentMode, StringComparison.OrdinalIgnoreCase);
}

internal sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    // Oidc and EntraId are recognised so that the message can say they are not available yet.
    private static readonly string[] PlannedModes = ["Oidc", "EntraId"];

    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        if (options.IsDevelopment)
        {
            return ValidateOptionsResult.Success;
        }

        if (PlannedModes.Contains(options.Mode, StringComparer.OrdinalIgnoreCase))
        {
            return ValidateOptionsResult.Fail(
                $"Auth:Mode '{options.Mode}' is not available in this version; set Auth:Mode to '{AuthOptions.DevelopmentMode}'.");
        }

        return ValidateOptionsResult.Fail(
            $"Auth:Mode '{options.Mode}' is not a known sign-in mode; set Auth:Mode to '{AuthOptions.DevelopmentMode}'.");
    }
}
