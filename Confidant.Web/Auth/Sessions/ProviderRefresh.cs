using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Confidant.Web.Auth.Sessions;

internal enum RefreshStatus
{
    /// <summary>The provider issued new tokens; <see cref="RefreshResult.Identity"/> holds the new ID token's claims.</summary>
    Refreshed,

    /// <summary>The provider refused the refresh token: the person was removed, disabled or signed out there.</summary>
    Refused,

    /// <summary>The provider could not be asked (unreachable, an error page, a token that does not validate).</summary>
    Unavailable,
}

internal sealed record RefreshResult(RefreshStatus Status, ClaimsIdentity? Identity = null, string? RefreshToken = null);

/// <summary>
/// Asks the identity provider about a person again with the session's refresh token (OAuth 2.0 refresh grant at
/// the token endpoint of the discovery document), and validates the new ID token exactly as at sign-in: signing
/// keys, issuer (Microsoft.Identity.Web's validator for Entra ID), audience and lifetime. Group and role claims in
/// that ID token are current, which is what lets a demoted person lose their roles within minutes.
/// </summary>
internal sealed partial class ProviderRefresh(IOptionsMonitor<OpenIdConnectOptions> oidc, ILogger<ProviderRefresh> logger)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public async Task<RefreshResult> RefreshAsync(string refreshToken, CancellationToken cancellationToken)
    {
        var options = oidc.Get(ExternalSignIn.Scheme);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            var configuration = await options.ConfigurationManager!.GetConfigurationAsync(timeout.Token);
            using var request = new HttpRequestMessage(HttpMethod.Post, configuration.TokenEndpoint)
            {
                Content = new FormUrlEncodedContent(Form(options, refreshToken)),
            };
            using var response = await options.Backchannel.SendAsync(request, timeout.Token);
            var message = new OpenIdConnectMessage(await response.Content.ReadAsStringAsync(timeout.Token));
            if (!response.IsSuccessStatusCode)
            {
                // RFC 6749 §5.2: invalid_grant is the provider's "no" for this person or session.
                var refused = response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized && message.Error is not null;
                LogRefreshFailed(logger, (int)response.StatusCode, message.Error ?? "none");
                return new RefreshResult(refused ? RefreshStatus.Refused : RefreshStatus.Unavailable);
            }

            ClaimsIdentity? identity = null;
            if (!string.IsNullOrEmpty(message.IdToken))
            {
                identity = await ValidateAsync(options, configuration, message.IdToken);
                if (identity is null)
                {
                    return new RefreshResult(RefreshStatus.Unavailable);
                }
            }

            return new RefreshResult(RefreshStatus.Refreshed, identity, string.IsNullOrEmpty(message.RefreshToken) ? null : message.RefreshToken);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or InvalidOperationException or IOException
            or System.Text.Json.JsonException or ArgumentException)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            LogProviderUnreachable(logger, e.GetType().Name);
            return new RefreshResult(RefreshStatus.Unavailable);
        }
    }

    private static Dictionary<string, string> Form(OpenIdConnectOptions options, string refreshToken)
    {
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = OpenIdConnectGrantTypes.RefreshToken,
            ["refresh_token"] = refreshToken,
            ["client_id"] = options.ClientId!,
        };
        if (!string.IsNullOrEmpty(options.ClientSecret))
        {
            form["client_secret"] = options.ClientSecret;
        }

        return form;
    }

    private async Task<ClaimsIdentity?> ValidateAsync(OpenIdConnectOptions options, OpenIdConnectConfiguration configuration, string idToken)
    {
        // The same parameters the handler uses at sign-in, completed from the discovery document as it does.
        var parameters = options.TokenValidationParameters.Clone();
        if (string.IsNullOrEmpty(parameters.ValidAudience) && parameters.ValidAudiences is null)
        {
            parameters.ValidAudience = options.ClientId;
        }

        if (string.IsNullOrEmpty(parameters.ValidIssuer) && parameters.ValidIssuers is null)
        {
            parameters.ValidIssuer = configuration.Issuer;
        }

        parameters.IssuerSigningKeys = parameters.IssuerSigningKeys?.Concat(configuration.SigningKeys) ?? configuration.SigningKeys;
        var result = await options.TokenHandler.ValidateTokenAsync(idToken, parameters);
        if (!result.IsValid)
        {
            LogIdTokenInvalid(logger, result.Exception?.GetType().Name ?? "unknown");
            return null;
        }

        return result.ClaimsIdentity;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The identity provider refused a session refresh: HTTP {Status}, error {Error}.")]
    private static partial void LogRefreshFailed(ILogger logger, int status, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The identity provider could not be asked about a session: {Problem}.")]
    private static partial void LogProviderUnreachable(ILogger logger, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A refreshed ID token did not validate: {Problem}.")]
    private static partial void LogIdTokenInvalid(ILogger logger, string problem);
}
