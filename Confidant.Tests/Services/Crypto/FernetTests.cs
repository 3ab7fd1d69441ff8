using System.Text;
using Confidant.Services.Crypto;

namespace Confidant.Tests.Services.Crypto;

public sealed class FernetTests
{
    // spec Appendix A: vectors computed with Python's cryptography library.
    private const string KeyText = "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=";
    private const string HelloToken =
        "gAAAAAAdwJ6wAAECAwQFBgcICQoLDA0ODy021cpGVWKZ_eEwCGM4BLLF_5CV9dOPmrhuVUPgJobwOz7JcbmrR64jVmpU4IwqDA==";
    private const string PairsJson = "{\"api_key\": \"1234\", \"api_user\": \"example_user\"}";
    private const string PairsToken =
        "gAAAAABeDV2lAAECAwQFBgcICQoLDA0ODw9UrQQhaXeZr-VJaajJ5U6Un85BYMVivgcZq__KQD1HyjdIjCccRiffkGaj06GPypf1es4yf92qXL-oDfn44d2p5x7gRi83UdwicpX8SIfL";

    private static readonly byte[] Iv = Enumerable.Range(0, 16).Select(i => (byte)i).ToArray();

    [Theory]
    [InlineData(499162800L, "hello", HelloToken)]
    [InlineData(1577934245L, PairsJson, PairsToken)]
    public void Encrypt_AppendixAVector_ProducesExactToken(long timestamp, string plaintext, string expected)
    {
        var token = Fernet.Encrypt(KeyText, Encoding.UTF8.GetBytes(plaintext), DateTimeOffset.FromUnixTimeSeconds(timestamp), Iv);

        Assert.Equal(expected, token);
    }

    [Theory]
    [InlineData(HelloToken, "hello")]
    [InlineData(PairsToken, PairsJson)]
    public void Decrypt_AppendixAVector_ReturnsPlaintext(string token, string expected)
    {
        Assert.Equal(expected, Encoding.UTF8.GetString(Fernet.Decrypt(KeyText, token)));
    }

    [Fact]
    public void Encrypt_RandomIv_RoundTripsAndDiffersEachTime()
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

        var first = Fernet.Encrypt(KeyText, "secret"u8, now);
        var second = Fernet.Encrypt(KeyText, "secret"u8, now);

        Assert.NotEqual(first, second);
        Assert.Equal("secret", Encoding.UTF8.GetString(Fernet.Decrypt(KeyText, first)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(12)]
    [InlineData(40)]
    [InlineData(-1)]
    public void Decrypt_TamperedByte_ThrowsFernetException(int index)
    {
        var bytes = Convert.FromBase64String(PairsToken.Replace('-', '+').Replace('_', '/'));
        var position = index < 0 ? bytes.Length - 1 : index;
        bytes[position] ^= 0x01;
        var tampered = Convert.ToBase64String(bytes).Replace('+', '-').Replace('/', '_');

        var error = Assert.Throws<FernetException>(() => Fernet.Decrypt(KeyText, tampered));

        Assert.DoesNotContain(KeyText, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decrypt_OtherKey_ThrowsFernetException()
    {
        var otherKey = Fernet.GenerateKeyText(new byte[32]);

        Assert.Throws<FernetException>(() => Fernet.Decrypt(otherKey, PairsToken));
    }

    [Theory]
    [InlineData("not base64!")]
    [InlineData("AAAA")]
    [InlineData("cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e")]
    public void Decrypt_InvalidKeyText_ThrowsFernetException(string keyText)
    {
        Assert.Throws<FernetException>(() => Fernet.Decrypt(keyText, PairsToken));
    }

    [Theory]
    [InlineData("")]
    [InlineData("gAAAAA==")]
    [InlineData("***")]
    public void Decrypt_MalformedToken_ThrowsFernetException(string token)
    {
        Assert.Throws<FernetException>(() => Fernet.Decrypt(KeyText, token));
    }

    [Fact]
    public void GenerateKeyText_AllZeroBytes_MatchesAppendixA()
    {
        var keyText = Fernet.GenerateKeyText(new byte[32]);

        Assert.Equal("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", keyText);
        Assert.Equal(44, keyText.Length);
    }

    [Fact]
    public void GenerateKeyText_UrlUnsafeBytes_UsesUrlSafeAlphabet()
    {
        var keyText = Fernet.GenerateKeyText(Enumerable.Repeat((byte)0xFF, 32).ToArray());

        Assert.DoesNotContain('/', keyText);
        Assert.DoesNotContain('+', keyText);
        Assert.StartsWith("____", keyText, StringComparison.Ordinal);
    }
}
