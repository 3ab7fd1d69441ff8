using System.Globalization;
using System.Text.Json.Nodes;
using Confidant.Services.Errors;
using Confidant.Services.Jwt;
using Confidant.Web.Api.Json;
using Confidant.Web.Auth;

namespace Confidant.Web.Api;

/// <summary>/v1/jwks/token[/&lt;id&gt;] and /v1/jwks/public/&lt;environment&gt; (spec §4.8), both style S.</summary>
public static class JwtEndpoints
{
    public static RouteGroupBuilder MapJwtEndpoints(this RouteGroupBuilder v1)
    {
        v1.MapGet("/jwks/token", (HttpContext http, JwtIssuer issuer) => GetToken(http, issuer, null, null));
        v1.MapGet("/jwks/token/{id}", (HttpContext http, JwtIssuer issuer, string id) => GetToken(http, issuer, id, null));

        // The client's --expiry appends a segment the original never routed (spec §5): honoured when it shortens the token.
        v1.MapGet("/jwks/token/{id}/{expiry}", GetToken);
        return v1;
    }

    /// <summary>The JWKS needs no authentication (spec §13.8).</summary>
    public static RouteGroupBuilder MapJwksEndpoints(this RouteGroupBuilder anonymous)
    {
        anonymous.MapGet("/jwks/public/{environment}", GetPublicKeys);
        return anonymous;
    }

    private static async Task<IResult> GetToken(HttpContext http, JwtIssuer issuer, string? id, string? expiry)
    {
        int? lifetime = null;
        if (expiry is not null)
        {
            lifetime = int.TryParse(expiry, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
                ? seconds
                : throw ConfidantException.BadRequest(JwtIssuer.MalformedExpiry);
        }

        // spec §4.8: is_service is true for every kmsauth caller, person or service; false for a browser session.
        var kms = http.User.FindFirst(ConfidantClaims.AuthType)?.Value == ConfidantClaims.KmsAuthType;
        var request = new JwtRequest(http.Request.Query["environment"].FirstOrDefault(), id, kms, lifetime);
        var token = await issuer.IssueAsync(http.ToConfidantPrincipal(), request, http.RequestAborted);
        return ApiResults.Schema(new JsonObject { ["token"] = token });
    }

    private static async Task<IResult> GetPublicKeys(JwtIssuer issuer, string environment, CancellationToken cancellationToken)
    {
        var keys = await issuer.GetPublicKeysAsync(environment, cancellationToken);
        return ApiResults.Schema(new JsonObject
        {
            ["keys"] = new JsonArray([.. keys.Select(key => (JsonNode)new JsonObject
            {
                ["kty"] = "RSA",
                ["kid"] = key.Kid,
                ["n"] = key.N,
                ["e"] = key.E,
                ["alg"] = "RS256",
            })]),
        });
    }
}
