using Confidant.Web.Auth.Header;
using Confidant.Web.Auth.Sessions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Options;

namespace Confidant.Web.Auth;

internal static class AuthenticationExtensions
{
    public const string CookieName = "confidant.auth";

    public static IHostApplicationBuilder AddConfidantAuthentication(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IValidateOptions<AuthOptions>>(new AuthOptionsValidator(builder.Configuration));
        builder.Services.AddOptions<AuthOptions>()
            .BindConfiguration(AuthOptions.SectionName)
            .PostConfigure<IHostEnvironment>((options, environment) => options.Mode = AuthOptions.EffectiveMode(options.Mode, environment))
            .ValidateOnStart();
        builder.Services.AddHostedService<DevelopmentSignInGuard>();
        builder.Services.AddSingleton<PersonAdmission>();
        builder.Services.AddSingleton<SessionRegistry>();
        builder.Services.AddSingleton<ProviderRefresh>();
        builder.Services.AddSingleton<SessionValidator>();
        builder.Services.AddScoped<SessionCookieEvents>();

        // The schemes depend on the mode, so it is read here; a missing or bad mode registers the cookie only and is
        // then refused by the validator at start-up with a message naming the key.
        var options = ModeOf(builder.Configuration, builder.Environment);
        if (options.IsHeader)
        {
            builder.Services.AddAuthentication(HeaderAuthenticationHandler.SchemeName)
                .AddScheme<AuthenticationSchemeOptions, HeaderAuthenticationHandler>(HeaderAuthenticationHandler.SchemeName, configureOptions: null);
        }
        else
        {
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

            builder.Services.AddOptions<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme)
                .Configure<IOptions<AuthOptions>>((cookie, auth) => cookie.ExpireTimeSpan = auth.Value.Session.IdleTimeout);
        }

        builder.Services.AddAuthorization();
        builder.Services.AddCascadingAuthenticationState();

        // Registered after the Razor components' own provider, so that circuits get this one.
        builder.Services.AddScoped<AuthenticationStateProvider, RevalidatingAuthenticationState>();
        return builder;
    }

    /// <summary>The sign-in endpoints of the configured mode.</summary>
    public static IEndpointRouteBuilder MapSignIn(this IEndpointRouteBuilder endpoints)
    {
        // Read like the schemes above, not through validated options: a bad mode must fail at start-up, not here.
        var options = ModeOf(endpoints.ServiceProvider.GetRequiredService<IConfiguration>(), endpoints.ServiceProvider.GetRequiredService<IHostEnvironment>());
        return options.IsExternal ? endpoints.MapExternalSignIn()
            : options.IsHeader ? endpoints.MapHeaderSignIn()
            : endpoints.MapDevelopmentSignIn();
    }

    /// <summary>The origin (<c>https://host[:port]</c>) of the identity provider people sign in at, or null.</summary>
    public static string? ProviderOrigin(IConfiguration configuration, IHostEnvironment environment)
    {
        var options = ModeOf(configuration, environment);
        var address = options.IsOidc ? options.Oidc.Authority
            : options.IsEntraId ? configuration[$"{AuthOptionsValidator.AzureAdSectionName}:Instance"]
            : null;
        return Uri.TryCreate(address, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            ? uri.GetLeftPart(UriPartial.Authority)
            : null;
    }

    private static AuthOptions ModeOf(IConfiguration configuration, IHostEnvironment environment)
    {
        var options = configuration.GetSection(AuthOptions.SectionName).Get<AuthOptions>() ?? new AuthOptions();
        options.Mode = AuthOptions.EffectiveMode(options.Mode, environment);
        return options;
    }

    private static void ConfigureCookie(CookieAuthenticationOptions options)
    {
        options.Cookie.Name = CookieName;
        options.Cookie.HttpOnly = true;
        options.Cookie.SameSite = SameSiteMode.Lax;
        options.LoginPath = DevelopmentSignInEndpoints.SignInPath;
        options.LogoutPath = DevelopmentSignInEndpoints.SignOutPath;
        options.ReturnUrlParameter = "returnUrl";

        // Each use extends the session up to Auth:Session:IdleTimeoutSeconds; SessionCookieEvents ends it at
        // Auth:Session:MaxLifetimeSeconds whatever the use, and re-checks the person in between.
        options.SlidingExpiration = true;
        options.EventsType = typeof(SessionCookieEvents);
    }
}
