using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Confidant.Services.Crypto;

/// <summary>
/// Fernet tokens as Python's <c>cryptography</c> writes them (spec §7.1 step 2): 0x80 ‖ 64-bit big-endian
/// timestamp ‖ 16-byte IV ‖ AES-128-CBC/PKCS7 ciphertext ‖ HMAC-SHA256 of all that; the 32-byte key's first half
/// signs and its second half encrypts; key and token are urlsafe base64 with padding.
/// </summary>
public static class Fernet
{
    private const byte Version = 0x80;
    private const int KeySize = 32;
    private const int HalfKey = 16;
    private const int IvSize = 16;
    private const int HeaderSize = 1 + 8 + IvSize;
    private const int MacSize = 32;

    /// <summary>Fernet key text (44 characters) from 32 random bytes.</summary>
    public static string GenerateKeyText(ReadOnlySpan<byte> randomBytes)
    {
        if (randomBytes.Length != KeySize)
        {
            throw new ArgumentException("A Fernet key needs exactly 32 bytes.", nameof(randomBytes));
        }

        return ToUrlSafe(Convert.ToBase64String(randomBytes));
    }

    /// <summary>Encrypts with a fresh random IV.</summary>
    public static string Encrypt(string keyText, ReadOnlySpan<byte> plaintext, DateTimeOffset timestamp)
    {
        Span<byte> iv = stackalloc byte[IvSize];
        RandomNumberGenerator.Fill(iv);
        return Encrypt(keyText, plaintext, timestamp, iv);
    }

    /// <summary>Encrypts with a given IV; only for reproducing known vectors, never with a repeated IV.</summary>
    public static string Encrypt(string keyText, ReadOnlySpan<byte> plaintext, DateTimeOffset timestamp, ReadOnlySpan<byte> iv)
    {
        if (iv.Length != IvSize)
        {
            throw new ArgumentException("A Fernet IV is 16 bytes.", nameof(iv));
        }

        var key = DecodeKey(keyText);
        try
        {
            using var aes = Aes.Create();
            aes.Key = key.AsSpan(HalfKey).ToArray();
            var ciphertext = aes.EncryptCbc(plaintext, iv, PaddingMode.PKCS7);
            var token = new byte[HeaderSize + ciphertext.Length + MacSize];
            token[0] = Version;
            BinaryPrimitives.WriteInt64BigEndian(token.AsSpan(1, 8), timestamp.ToUnixTimeSeconds());
            iv.CopyTo(token.AsSpan(9, IvSize));
            ciphertext.CopyTo(token.AsSpan(HeaderSize));
            HMACSHA256.HashData(key.AsSpan(0, HalfKey), token.AsSpan(0, token.Length - MacSize), token.AsSpan(token.Length - MacSize));
            CryptographicOperations.ZeroMemory(aes.Key);
            return ToUrlSafe(Convert.ToBase64String(token));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    /// <summary>Verifies and decrypts a token. No time-to-live check (spec §7.1 step 3).</summary>
    public static byte[] Decrypt(string keyText, string token)
    {
        var key = DecodeKey(keyText);
        try
        {
            var data = DecodeToken(token);

            // At least one cipher block; CBC ciphertext is always a whole number of blocks.
            if (data.Length < HeaderSize + IvSize + MacSize || data[0] != Version
                || (data.Length - HeaderSize - MacSize) % IvSize != 0)
            {
                throw new FernetException("The Fernet token is malformed.");
            }

            Span<byte> mac = stackalloc byte[MacSize];
            HMACSHA256.HashData(key.AsSpan(0, HalfKey), data.AsSpan(0, data.Length - MacSize), mac);
            if (!CryptographicOperations.FixedTimeEquals(mac, data.AsSpan(data.Length - MacSize)))
            {
                throw new FernetException("The Fernet token signature does not match the key.");
            }

            using var aes = Aes.Create();
            aes.Key = key.AsSpan(HalfKey).ToArray();
            try
            {
                return aes.DecryptCbc(
                    data.AsSpan(HeaderSize, data.Length - HeaderSize - MacSize),
                    data.AsSpan(9, IvSize),
                    PaddingMode.PKCS7);
            }
            catch (CryptographicException ex)
            {
                throw new FernetException("The Fernet token could not be decrypted.", ex);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(aes.Key);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
        }
    }

    private static byte[] DecodeKey(string keyText)
    {
        var key = new byte[KeySize];
        if (!TryDecode(keyText, key, out var written) || written != KeySize)
        {
            CryptographicOperations.ZeroMemory(key);
            throw new FernetException("The Fernet key must be 32 bytes of url-safe base64.");
        }

        return key;
    }

    private static byte[] DecodeToken(string token)
    {
        var buffer = new byte[token.Length];
        if (!TryDecode(token, buffer, out var written))
        {
            throw new FernetException("The Fernet token is not url-safe base64.");
        }

        return buffer[..written];
    }

    private static bool TryDecode(string urlSafe, Span<byte> destination, out int written)
    {
        // Like Python's urlsafe_b64decode, the standard alphabet's '+' and '/' are accepted too.
        var standard = urlSafe.Replace('-', '+').Replace('_', '/');
        return Convert.TryFromBase64String(standard, destination, out written);
    }

    private static string ToUrlSafe(string base64) => base64.Replace('+', '-').Replace('/', '_');
}

/// <summary>An invalid Fernet key or token. The message never contains key or token material.</summary>
public sealed class FernetException(string message, Exception? innerException = null) : Exception(message, innerException);
