using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Confidant.Services.Jwt;

/// <summary>
/// One RSA key of an environment: published in its JWKS, and able to sign when <see cref="Signer"/> is set (the
/// active key only). <see cref="RetireAt"/> is when a superseded generated key leaves the JWKS; null for keys in use
/// and for configured keys.
/// </summary>
public sealed record JwtSigningKey(string Kid, RSAParameters PublicKey, DateTimeOffset? RetireAt = null)
{
    /// <summary>The private key, held only for the key that signs.</summary>
    internal RsaSecurityKey? Signer { get; init; }

    /// <summary>The modulus, base64url without padding (RFC 7518 §6.3.1).</summary>
    public string N => Base64UrlEncoder.Encode(PublicKey.Modulus);

    /// <summary>The public exponent, base64url without padding.</summary>
    public string E => Base64UrlEncoder.Encode(PublicKey.Exponent);

    /// <summary>The RFC 7638 thumbprint of an RSA public key: the kid of generated keys, as jwcrypto computes it.</summary>
    public static string Thumbprint(RSAParameters publicKey) =>
        Base64UrlEncoder.Encode(JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(publicKey)).ComputeJwkThumbprint());

    internal static JwtSigningKey FromPrivate(string kid, RSA rsa, DateTimeOffset? retireAt, bool signs) =>
        new(kid, rsa.ExportParameters(false), retireAt)
        {
            Signer = signs ? new RsaSecurityKey(rsa) { KeyId = kid } : null,
        };
}

/// <summary>The keys of one environment: the one that signs (if any) and every one its JWKS publishes.</summary>
public sealed record JwtEnvironmentKeys(JwtSigningKey? Active, IReadOnlyList<JwtSigningKey> Published);
