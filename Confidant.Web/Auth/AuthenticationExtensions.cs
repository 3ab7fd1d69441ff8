using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace Confidant.Web.Auth;

internal static class AuthenticationExtensions
{
    public const string CookieName = "confidant.auth";

    public static IHostApplicationBuilder AddConfidantAuthentication(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IValidateOptions<AuthOptions>>(new AuthOptionsValidator(builder.Configuration));
        builder.Services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.SectionName).ValidateOnStart();
        builder.Services.AddHostedService<DevelopmentSignInGuard>();

        // The schemes depend on the mode, so it is read here; a bad mode registers the cookie only and is then
        // refused by the validator at start-up with a message naming the key.
        var options = ModeOf(builder.Configuration);
        var authentication = builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme);
        if (options.IsEntraId)
        {
            ExternalSignIn.AddEntraId(authentication, builder.Configuration, ConfigureCookie);
        }
        else if (options.IsOidc)
        {
            ExternalSignIn.AddOidc(authentication, options.Oidc, ConfigureCookie);
        }
        else
        {
            authentication.AddCookie(ConfigureCookie);
        }

        builder.Services.AddAuthorization();
        builder.Services.AddCascadingAuthenticationState();
        return builder;
    }

    /// <summary>The sign-in endpoints of the configured mode.</summary>
    public static IEndpointRouteBuilder MapSignIn(this IEndpointRouteBuilder endpoints)
    {
        // Read like the schemes above, not through validated options: a bad mode must fail at start-up, not here.
        var options = ModeOf(endpoints.ServiceProvider.GetRequiredService<IConfiguration>());
        return options.IsEntraId || options.IsOidc ? endpoints.MapExternalSignIn() : endpoints.MapDevelopmentSignIn();
    }

    private static AuthOptions ModeOf(IConfiguration configuration) =>
        configuration.GetSection(AuthOptions.SectionName).Get<AuthOptions>() ?? new AuthOptions();

    private static void ConfigureCookie(CookieAuthenticationOptions options)
    {
        options.Cookie.Name = CookieName;
        options.Cookie.HttpOnly = true;
        options.Cookie.SameSite = SameSiteMode.Lax;
        options.LoginPath = DevelopmentSignInEndpoints.SignInPath;
        options.LogoutPath = DevelopmentSignInEndpoints.SignOutPath;
        options.ReturnUrlParameter = "returnUrl";
        options.SlidingExpiration = true;
        options.ExpireTimeSpan = TimeSpan.FromHours(8);
    }
}
