using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Confidant.Tests.Support;

/// <summary>
/// A person the test identity provider knows, with the group ids and app roles their tokens carry, whether it vouches
/// for their e-mail (<c>email_verified</c>), and any further claims it sends.
/// </summary>
public sealed record TestPerson(string Email, string[] Groups, string[] AppRoles, bool EmailVerified = true, (string Type, string Value)[]? Extra = null)
{
    public string Subject { get; } = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Email)))[..16];
}

/// <summary>
/// A real OpenID Connect provider (OpenIddict, degraded mode: no database) on 127.0.0.1 with a plain HTML login form,
/// authorization code flow with PKCE, refresh tokens (offline_access) and ephemeral keys. Entra-shaped when asked:
/// issuer and discovery under <c>{base}/{tenantId}/v2.0</c> and a <c>tid</c> claim in the tokens, as
/// Microsoft.Identity.Web expects. Tokens, refreshed ones included, carry each person's groups as they are now, so a
/// test can demote (<see cref="SetGroups"/>) or remove (<see cref="Remove"/>) a person at the provider.
/// </summary>
public sealed class TestIdentityProvider : IAsyncDisposable
{
    public const string ClientId = "confidant-web";
    public const string ClientSecret = "test-client-secret-3f9a";
    public const string Password = "correct horse battery staple";
    public const string TenantId = "6a1c9f3e-0b7d-4e2a-9c55-1d2e3f4a5b6c";
    private const string SessionScheme = "idp";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, TestPerson> _people = new(People.ToDictionary(p => p.Email), StringComparer.Ordinal);
    private readonly HashSet<string> _redirectUris = new(StringComparer.Ordinal);
    private readonly HashSet<string> _postLogoutRedirectUris = new(StringComparer.Ordinal);
    private int _refreshes;

    private TestIdentityProvider(WebApplication app, Uri baseAddress, Uri issuer)
    {
        _app = app;
        BaseAddress = baseAddress;
        Issuer = issuer;
    }

    public static TestPerson Reader { get; } = new("reader@example.com", ["grp-readers"], []);
    public static TestPerson Editor { get; } = new("editor@example.com", ["grp-editors", "grp-other"], []);
    public static TestPerson Admin { get; } = new("admin@example.com", [], ["Confidant.Admin"]);
    public static TestPerson Unmapped { get; } = new("nobody@example.com", ["grp-other"], []);
    public static TestPerson Outsider { get; } = new("mallory@elsewhere.test", ["grp-editors"], []);

    public static IReadOnlyList<TestPerson> People { get; } = [Reader, Editor, Admin, Unmapped, Outsider];

    /// <summary>How many refresh-token grants the provider answered.</summary>
    public int Refreshes => _refreshes;

    /// <summary>Where the provider listens, e.g. <c>http://127.0.0.1:port/</c>; Entra's "Instance".</summary>
    public Uri BaseAddress { get; }

    /// <summary>The issuer; also the authority (discovery lives under it).</summary>
    public Uri Issuer { get; }

    /// <param name="entraShaped">Issuer and discovery under the tenant, with a <c>tid</c> claim.</param>
    /// <param name="endSession">Whether it has an end-session endpoint (Google has none).</param>
    public static async Task<TestIdentityProvider> StartAsync(bool entraShaped, bool endSession = true)
    {
        var baseAddress = new Uri($"http://127.0.0.1:{LoopbackPorts.Free()}/");
        var issuer = entraShaped ? new Uri(baseAddress, $"{TenantId}/v2.0") : baseAddress;
        var prefix = issuer.AbsoluteUri.TrimEnd('/') + "/";

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(baseAddress.AbsoluteUri);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddAuthentication(SessionScheme).AddCookie(SessionScheme, options =>
        {
            // Cookies on 127.0.0.1 are shared across ports: a name of its own keeps it apart from the app's.
            options.Cookie.Name = "test-idp.session";
            options.LoginPath = "/login";
        });
        TestIdentityProvider? provider = null;
        builder.Services.AddOpenIddict().AddServer(options =>
        {
            options.SetIssuer(issuer);
            options.SetConfigurationEndpointUris(new Uri(prefix + ".well-known/openid-configuration"));
            options.SetJsonWebKeySetEndpointUris(new Uri(prefix + "discovery/keys"));
            options.SetAuthorizationEndpointUris(new Uri(prefix + "oauth2/authorize"));
            options.SetTokenEndpointUris(new Uri(prefix + "oauth2/token"));
            if (endSession)
            {
                options.SetEndSessionEndpointUris(new Uri(prefix + "oauth2/logout"));
            }

            options.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange().AllowRefreshTokenFlow();
            options.RegisterScopes(Scopes.Email, Scopes.Profile, Scopes.OfflineAccess);
            options.AddEphemeralEncryptionKey().AddEphemeralSigningKey().DisableAccessTokenEncryption();
            options.EnableDegradedMode();
            options.UseAspNetCore()
                .EnableAuthorizationEndpointPassthrough()
                .EnableTokenEndpointPassthrough()
                .EnableEndSessionEndpointPassthrough()
                .DisableTransportSecurityRequirement();

            // Degraded mode has no client store: the one client and its URIs are checked here.
            options.AddEventHandler<ValidateAuthorizationRequestContext>(handler => handler.UseInlineHandler(context =>
            {
                if (context.ClientId != ClientId || !provider!._redirectUris.Contains(context.RedirectUri ?? string.Empty))
                {
                    context.Reject(Errors.InvalidClient, "Unknown client or redirect URI.");
                }

                return default;
            }));
            options.AddEventHandler<ValidateTokenRequestContext>(handler => handler.UseInlineHandler(context =>
            {
                if (context.ClientId != ClientId || !FixedTimeEquals(context.Request.ClientSecret, ClientSecret))
                {
                    context.Reject(Errors.InvalidClient, "Client authentication failed.");
                }

                return default;
            }));
            options.AddEventHandler<ValidateEndSessionRequestContext>(handler => handler.UseInlineHandler(context =>
            {
                if (context.PostLogoutRedirectUri is { } uri && !provider!._postLogoutRedirectUris.Contains(uri))
                {
                    context.Reject(Errors.InvalidRequest, "Unknown post-logout redirect URI.");
                }

                return default;
            }));
        });

        var app = builder.Build();
        provider = new TestIdentityProvider(app, baseAddress, issuer);
        app.UseAuthentication();
        app.MapGet("/login", (string? returnUrl) => LoginForm(returnUrl, error: false));
        app.MapPost("/login", (Delegate)provider.LoginAsync);
        app.MapMethods(new Uri(prefix + "oauth2/authorize").AbsolutePath, ["GET", "POST"], (Delegate)provider.AuthorizeAsync);
        app.MapPost(new Uri(prefix + "oauth2/token").AbsolutePath, (Delegate)provider.TokenAsync);
        app.MapMethods(new Uri(prefix + "oauth2/logout").AbsolutePath, ["GET", "POST"], (Delegate)EndSessionAsync);
        await app.StartAsync();
        return provider;

        IResult LoginForm(string? returnUrl, bool error) => Results.Content(
            $"""
            <!DOCTYPE html><html><body>
            {(error ? "<p>Wrong e-mail or password.</p>" : string.Empty)}
            <form method="post" action="/login">
              <input type="hidden" name="returnUrl" value="{HtmlEncoder.Default.Encode(returnUrl ?? "/")}" />
              <input name="username" /><input name="password" type="password" /><button>Sign in</button>
            </form></body></html>
            """,
            "text/html",
            statusCode: error ? 400 : 200);
    }

    /// <summary>Lets a relying party at <paramref name="appBase"/> use its default callback paths.</summary>
    public void AllowRelyingParty(Uri appBase)
    {
        _redirectUris.Add(new Uri(appBase, "/signin-oidc").AbsoluteUri);
        _postLogoutRedirectUris.Add(new Uri(appBase, "/signout-callback-oidc").AbsoluteUri);
    }

    /// <summary>A person known to this provider only, e.g. one a test will demote.</summary>
    public void Add(TestPerson person) => _people[person.Email] = person;

    /// <summary>Changes a person's groups at the provider: their next tokens (and refreshed ones) carry these.</summary>
    public void SetGroups(TestPerson person, params string[] groups) => _people[person.Email] = _people[person.Email] with { Groups = groups };

    /// <summary>Removes a person: their refresh tokens are refused from now on.</summary>
    public void Remove(TestPerson person) => _people.TryRemove(person.Email, out _);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static bool FixedTimeEquals(string? actual, string expected) =>
        actual is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(actual), Encoding.UTF8.GetBytes(expected));

    private static async Task<IResult> EndSessionAsync(HttpContext http)
    {
        await http.SignOutAsync(SessionScheme);
        return Results.SignOut(new AuthenticationProperties { RedirectUri = "/" }, [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
    }

    private async Task<IResult> LoginAsync(HttpContext http)
    {
        var form = await http.Request.ReadFormAsync();
        var person = _people.GetValueOrDefault(form["username"].ToString());
        var returnUrl = form["returnUrl"].ToString();
        if (person is null || !FixedTimeEquals(form["password"].ToString(), Password) || !returnUrl.StartsWith('/'))
        {
            return Results.BadRequest();
        }

        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, person.Email)], SessionScheme);
        await http.SignInAsync(SessionScheme, new ClaimsPrincipal(identity));
        return Results.Redirect(returnUrl);
    }

    private async Task<IResult> AuthorizeAsync(HttpContext http)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        var session = await http.AuthenticateAsync(SessionScheme);
        var person = _people.GetValueOrDefault(session.Principal?.Identity?.Name ?? string.Empty);
        if (person is null)
        {
            return Results.Challenge(
                new AuthenticationProperties { RedirectUri = http.Request.Path + http.Request.QueryString },
                [SessionScheme]);
        }

        return Results.SignIn(PrincipalOf(person, request.GetScopes()), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    /// <summary>Code and refresh grants: the person's claims as they are now, or invalid_grant for a removed person.</summary>
    private async Task<IResult> TokenAsync(HttpContext http)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        var granted = await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        if (request.IsRefreshTokenGrantType())
        {
            Interlocked.Increment(ref _refreshes);
        }

        if (granted.Principal?.GetClaim(Claims.Email) is not { } email || _people.GetValueOrDefault(email) is not { } person)
        {
            return Results.Forbid(
                new AuthenticationProperties(new Dictionary<string, string?>
                {
                    [OpenIddictServerAspNetCoreConstants.Properties.Error] = Errors.InvalidGrant,
                    [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = "The person is no longer known.",
                }),
                [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        }

        return Results.SignIn(PrincipalOf(person, granted.Principal.GetScopes()), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private ClaimsPrincipal PrincipalOf(TestPerson person, IEnumerable<string> scopes)
    {
        var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
        identity.AddClaim(new Claim(Claims.Subject, person.Subject));
        identity.AddClaim(new Claim(Claims.Email, person.Email));
        identity.AddClaim(new Claim(Claims.EmailVerified, person.EmailVerified ? "true" : "false", ClaimValueTypes.Boolean));
        identity.AddClaim(new Claim(Claims.PreferredUsername, person.Email));
        identity.AddClaim(new Claim(Claims.Name, person.Email.Split('@')[0]));
        identity.AddClaims(person.Groups.Select(group => new Claim("groups", group)));
        identity.AddClaims(person.AppRoles.Select(role => new Claim("roles", role)));
        identity.AddClaims((person.Extra ?? []).Select(extra => new Claim(extra.Type, extra.Value)));
        if (Issuer != BaseAddress)
        {
            identity.AddClaim(new Claim("tid", TenantId));
        }

        identity.SetDestinations(_ => [Destinations.IdentityToken, Destinations.AccessToken]);
        var principal = new ClaimsPrincipal(identity);
        principal.SetScopes(scopes);
        return principal;
    }
}
