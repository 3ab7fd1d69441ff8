using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Confidant.Services.Jwt;

/// <summary>
/// Reads an RSA private key in every PEM form the original accepted for its JWT keys (spec §9.12, through Python's
/// <c>cryptography</c>): PKCS#1 and PKCS#8, clear or encrypted with a passphrase — including OpenSSL's traditional
/// encryption (<c>Proc-Type: 4,ENCRYPTED</c> / <c>DEK-Info</c>, what <c>openssl genrsa -aes256</c> writes), which .NET
/// does not read on its own.
/// </summary>
internal static class PemPrivateKey
{
    private const string RsaLabel = "RSA PRIVATE KEY";

    /// <summary>The key, or a <see cref="FormatException"/> whose message names no key material.</summary>
    public static RSA Import(string pem, string? passphrase)
    {
        var rsa = RSA.Create();
        try
        {
            if (LegacyEncrypted(pem) is { } legacy)
            {
                rsa.ImportRSAPrivateKey(DecryptLegacy(legacy, passphrase), out _);
            }
            else if (pem.Contains("-----BEGIN ENCRYPTED PRIVATE KEY-----", StringComparison.Ordinal))
            {
                rsa.ImportFromEncryptedPem(pem, passphrase ?? throw new FormatException("the key is encrypted and no passphrase is given"));
            }
            else
            {
                rsa.ImportFromPem(pem);
            }

            return rsa;
        }
        catch (Exception error) when (error is CryptographicException or ArgumentException)
        {
            rsa.Dispose();
            throw new FormatException("not a readable RSA private key (wrong passphrase, or not PEM)", error);
        }
        catch
        {
            rsa.Dispose();
            throw;
        }
    }

    private static (string Cipher, byte[] Iv, byte[] Body)? LegacyEncrypted(string pem)
    {
        var begin = pem.IndexOf($"-----BEGIN {RsaLabel}-----", StringComparison.Ordinal);
        var end = pem.IndexOf($"-----END {RsaLabel}-----", StringComparison.Ordinal);
        if (begin < 0 || end < begin || !pem.Contains("Proc-Type: 4,ENCRYPTED", StringComparison.Ordinal))
        {
            return null;
        }

        var lines = pem[begin..end].Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var dekInfo = lines.FirstOrDefault(l => l.StartsWith("DEK-Info:", StringComparison.Ordinal))
            ?? throw new FormatException("an encrypted PEM key without DEK-Info");
        var parts = dekInfo["DEK-Info:".Length..].Trim().Split(',');
        if (parts.Length != 2)
        {
            throw new FormatException("a malformed DEK-Info line");
        }

        var body = string.Concat(lines.Skip(1).Where(l => !l.Contains(':', StringComparison.Ordinal)));
        try
        {
            return (parts[0].ToUpperInvariant(), Convert.FromHexString(parts[1]), Convert.FromBase64String(body));
        }
        catch (FormatException)
        {
            throw new FormatException("an encrypted PEM key whose IV or body is not readable");
        }
    }

    /// <summary>
    /// OpenSSL's traditional PEM encryption: the key is EVP_BytesToKey(MD5, passphrase, salt = first 8 IV bytes, one
    /// round), the body is CBC with PKCS#7 padding. MD5 and 3DES are what that format uses, not our choice.
    /// </summary>
    private static byte[] DecryptLegacy((string Cipher, byte[] Iv, byte[] Body) legacy, string? passphrase)
    {
        if (passphrase is null)
        {
            throw new FormatException("the key is encrypted and no passphrase is given");
        }

        using SymmetricAlgorithm cipher = legacy.Cipher switch
        {
            "AES-128-CBC" or "AES-192-CBC" or "AES-256-CBC" => Aes.Create(),
#pragma warning disable CA5350 // The traditional PEM format of existing keys; read once at start, never used to encrypt.
            "DES-EDE3-CBC" => TripleDES.Create(),
#pragma warning restore CA5350
            _ => throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"the PEM cipher {legacy.Cipher} is not supported (use AES-*-CBC or DES-EDE3-CBC, or PKCS#8)")),
        };
        var keyBytes = legacy.Cipher switch
        {
            "AES-128-CBC" => 16,
            "AES-192-CBC" or "DES-EDE3-CBC" => 24,
            _ => 32,
        };
        if (legacy.Iv.Length != cipher.BlockSize / 8)
        {
            throw new FormatException("an encrypted PEM key whose IV has the wrong length");
        }

        var key = BytesToKey(Encoding.UTF8.GetBytes(passphrase), legacy.Iv.AsSpan(0, 8), keyBytes);
        try
        {
            cipher.Key = key;
            return cipher.DecryptCbc(legacy.Body, legacy.Iv, PaddingMode.PKCS7);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    private static byte[] BytesToKey(byte[] password, ReadOnlySpan<byte> salt, int length)
    {
        var key = new byte[length];
        var filled = 0;
        var previous = Array.Empty<byte>();
        while (filled < length)
        {
            var input = new byte[previous.Length + password.Length + salt.Length];
            previous.CopyTo(input, 0);
            password.CopyTo(input, previous.Length);
            salt.CopyTo(input.AsSpan(previous.Length + password.Length));
#pragma warning disable CA5351 // EVP_BytesToKey of the traditional PEM format is defined with MD5.
            previous = MD5.HashData(input);
#pragma warning restore CA5351
            var take = Math.Min(previous.Length, length - filled);
            previous.AsSpan(0, take).CopyTo(key.AsSpan(filled));
            filled += take;
        }

        CryptographicOperations.ZeroMemory(password);
        return key;
    }
}
