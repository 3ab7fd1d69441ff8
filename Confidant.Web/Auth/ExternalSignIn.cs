using System.Security.Claims;
using Confidant.Web.Auth.Sessions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Identity.Web;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Confidant.Web.Auth;

/// <summary>
/// Sign-in through an identity provider: Entra ID via Microsoft.Identity.Web, or any OpenID Connect provider via
/// ASP.NET's handler. Both end in the same cookie, carrying the person's e-mail and the roles their claims map to.
/// </summary>
internal static partial class ExternalSignIn
{
    public const string Scheme = OpenIdConnectDefaults.AuthenticationScheme;
    private const string OfflineAccessScope = "offline_access";

    public static void AddEntraId(AuthenticationBuilder authentication, IConfiguration configuration, Action<CookieAuthenticationOptions> cookie)
    {
        var azureAd = configuration.GetSection(AuthOptionsValidator.AzureAdSectionName);

        // Microsoft.Identity.Web does not carry this setting over; plain http is only for a provider on loopback.
        var requireHttpsMetadata = azureAd.GetValue("RequireHttpsMetadata", defaultValue: true);
        var tenantIssuer = SingleTenantIssuer(azureAd["Instance"], azureAd["TenantId"]);
        authentication.AddMicrosoftIdentityWebApp(
            azureAd,
            Scheme,
            CookieAuthenticationDefaults.AuthenticationScheme);
        authentication.Services.Configure(CookieAuthenticationDefaults.AuthenticationScheme, cookie);

        // Registered after Microsoft.Identity.Web's own configuration, so its token-validated handler runs first.
        authentication.Services.Configure<OpenIdConnectOptions>(Scheme, options =>
        {
            options.ResponseType = OpenIdConnectResponseType.Code;
            options.UsePkce = true;
            options.RequireHttpsMetadata = requireHttpsMetadata;

            // Entra ID issues a refresh token only for offline_access: with it the session's roles are asked again.
            if (!options.Scope.Contains(OfflineAccessScope))
            {
                options.Scope.Add(OfflineAccessScope);
            }

            if (tenantIssuer is not null)
            {
                // Microsoft.Identity.Web's issuer validator accepts a token whose issuer equals this before it
                // would fetch the tenant's metadata again; for one tenant the issuer is known from the settings.
                options.TokenValidationParameters.ValidIssuer = tenantIssuer;
            }

            AddAdmission(options);
        });
    }

    public static void AddOidc(AuthenticationBuilder authentication, OidcProviderOptions provider, Action<CookieAuthenticationOptions> cookie)
    {
        authentication.AddCookie(cookie).AddOpenIdConnect(Scheme, options =>
        {
            options.Authority = provider.Authority;
            options.ClientId = provider.ClientId;
            options.ClientSecret = string.IsNullOrEmpty(provider.ClientSecret) ? null : provider.ClientSecret;
            options.RequireHttpsMetadata = provider.RequireHttpsMetadata;
            options.ResponseType = OpenIdConnectResponseType.Code;
            options.UsePkce = true;
            options.MapInboundClaims = false;
            options.GetClaimsFromUserInfoEndpoint = true;
            options.SaveTokens = false;
            options.SignInScheme = CookieAuthenticationDefaults.AuthenticationScheme;
            options.Scope.Clear();
            options.Scope.Add("openid");
            foreach (var scope in provider.EffectiveScopes)
            {
                options.Scope.Add(scope);
            }

            options.TokenValidationParameters.NameClaimType = "name";
            options.TokenValidationParameters.RoleClaimType = "roles";
            AddAdmission(options);
        });
    }

    /// <summary>The v2.0 issuer of a single tenant; null for the multi-tenant aliases, whose issuer varies.</summary>
    internal static string? SingleTenantIssuer(string? instance, string? tenantId)
    {
        if (string.IsNullOrWhiteSpace(instance) || string.IsNullOrWhiteSpace(tenantId)
            || AuthOptionsValidator.MultiTenantAliases.Contains(tenantId, StringComparer.OrdinalIgnoreCase))
        {
            return null;
        }

        return $"{instance.TrimEnd('/')}/{tenantId}/v2.0";
    }

    private static void AddAdmission(OpenIdConnectOptions options)
    {
        // Nothing of the provider's tokens is kept but the refresh token, which AdmitAsync stores itself.
        options.SaveTokens = false;
        var previous = options.Events.OnTokenValidated;
        options.Events.OnTokenValidated = async context =>
        {
            await previous(context);
            // Skip when an earlier handler already decided (failed or answered the request).
            if (context.Result is null)
            {
                await AdmitAsync(context);
            }
        };
    }

    /// <summary>spec §2.5: refuse people outside the allow-list with a 403 page; stamp e-mail, roles and session on the rest.</summary>
    private static async Task AdmitAsync(TokenValidatedContext context)
    {
        if (context.Principal?.Identity is not ClaimsIdentity identity)
        {
            return;
        }

        var services = context.HttpContext.RequestServices;
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ExternalSignIn));
        var admission = services.GetRequiredService<PersonAdmission>().Admit(identity);
        if (!admission.Allowed)
        {
            context.HandleResponse();
            await ExternalSignInEndpoints.WriteRefusalAsync(context.Response);
            return;
        }

        var sessions = services.GetRequiredService<SessionValidator>();
        sessions.Begin(identity);
        var refreshToken = context.TokenEndpointResponse?.RefreshToken;
        sessions.Remember(identity, refreshToken);
        SessionCookieEvents.Record(context.Properties!, string.IsNullOrEmpty(refreshToken) ? null : refreshToken, services.GetRequiredService<TimeProvider>().GetUtcNow());
        LogAdmitted(logger, admission.Roles.Count);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Signed in through the identity provider with {RoleCount} mapped role(s).")]
    private static partial void LogAdmitted(ILogger logger, int roleCount);
}
