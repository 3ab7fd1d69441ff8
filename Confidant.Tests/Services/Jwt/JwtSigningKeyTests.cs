using System.Security.Cryptography;
using Confidant.Services.Jwt;
using Microsoft.IdentityModel.Tokens;

namespace Confidant.Tests.Services.Jwt;

public sealed class JwtSigningKeyTests
{
    [Fact]
    public void Thumbprint_Rfc7638Example_MatchesTheRfc()
    {
        // RFC 7638 §3.1: the RSA key of its example and its SHA-256 thumbprint.
        var key = new RSAParameters
        {
            Modulus = Base64UrlEncoder.DecodeBytes(
                "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMs"
                + "tn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n9"
                + "1CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"),
            Exponent = Base64UrlEncoder.DecodeBytes("AQAB"),
        };

        Assert.Equal("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs", JwtSigningKey.Thumbprint(key));
    }

    [Fact]
    public void NAndE_Base64UrlWithoutPadding()
    {
        var key = new JwtSigningKey("k", new RSAParameters { Modulus = [0xfb, 0xff, 0xfe, 0x01], Exponent = [1, 0, 1] });

        Assert.Equal(("-__-AQ", "AQAB"), (key.N, key.E));
    }
}
