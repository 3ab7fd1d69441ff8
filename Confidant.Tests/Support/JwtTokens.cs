using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Confidant.Tests.Support;

/// <summary>Reading and validating issued JWTs the way a relying party does, at a chosen time.</summary>
public static class JwtTokens
{
    /// <summary>The decoded JSON text of a compact JWS's header and payload.</summary>
    public static (string Header, string Payload) Decode(string token)
    {
        var parts = token.Split('.');
        Assert.Equal(3, parts.Length);
        return (Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[0])), Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(parts[1])));
    }

    public static JsonElement Claims(string token) => JsonDocument.Parse(Decode(token).Payload).RootElement.Clone();

    /// <summary>
    /// Microsoft.IdentityModel's own validator with the keys of a JWKS document (signature, kid lookup, RS256 only),
    /// the lifetime judged at <paramref name="now"/> with <paramref name="skew"/> of tolerance.
    /// </summary>
    public static Task<TokenValidationResult> ValidateAsync(string token, string jwks, DateTimeOffset now, TimeSpan? skew = null)
    {
        var tolerance = skew ?? TimeSpan.Zero;
        return new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            IssuerSigningKeys = new JsonWebKeySet(jwks).GetSigningKeys(),
            ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
            ValidateIssuer = false,
            ValidateAudience = false,
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            TryAllIssuerSigningKeys = false,
            LifetimeValidator = (notBefore, expires, _, _) =>
                notBefore is { } nbf && expires is { } exp && nbf <= (now + tolerance).UtcDateTime && (now - tolerance).UtcDateTime < exp,
        });
    }
}
