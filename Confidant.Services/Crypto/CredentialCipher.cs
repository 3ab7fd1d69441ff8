using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Confidant.Services.Credentials;
using Confidant.Services.Kms;
using Confidant.Services.Storage;
using Microsoft.Extensions.Options;

namespace Confidant.Services.Crypto;

public sealed record EncryptedPairs(string CredentialPairs, string DataKey, int CipherVersion);

/// <summary>The envelope scheme of spec §7.1: a fresh Fernet key per write, wrapped by KMS under {"id": credential id}.</summary>
public sealed class CredentialCipher
{
    private const int SupportedCipherVersion = 2;
    private const int DataKeyBytes = 32;
    private const string ContextKey = "id";

    private readonly IKeyService _keyService;
    private readonly DataKeyCache _cache;
    private readonly TimeProvider _timeProvider;
    private readonly string _masterKeyId;

    internal CredentialCipher(IKeyService keyService, DataKeyCache cache, IOptions<KmsOptions> options, TimeProvider timeProvider)
    {
        _keyService = keyService;
        _cache = cache;
        _timeProvider = timeProvider;
        _masterKeyId = options.Value.MasterKeyId;
    }

    public async Task<EncryptedPairs> EncryptAsync(string credentialId, CredentialPairs pairs, CancellationToken ct = default)
    {
        // Spec §7.1 / §13.1: KMS encrypts the 44-character key *text*, not raw key bytes (no GenerateDataKey).
        var random = await _keyService.GenerateRandomAsync(DataKeyBytes, ct);
        var keyText = Fernet.GenerateKeyText(random);
        CryptographicOperations.ZeroMemory(random);
        var keyTextBytes = Encoding.ASCII.GetBytes(keyText);
        try
        {
            var wrapped = await _keyService.EncryptAsync(_masterKeyId, keyTextBytes, Context(credentialId), ct);
            var token = Fernet.Encrypt(keyText, Encoding.UTF8.GetBytes(pairs.ToPythonJson()), _timeProvider.GetUtcNow());
            _cache.Set(wrapped.Ciphertext, credentialId, keyTextBytes);
            return new EncryptedPairs(token, Convert.ToBase64String(wrapped.Ciphertext), SupportedCipherVersion);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(keyTextBytes);
        }
    }

    public async Task<CredentialPairs> DecryptAsync(CredentialItem item, CancellationToken ct = default)
    {
        if (item.CipherVersion != SupportedCipherVersion)
        {
            throw new CredentialCipherException(item.Id, $"cipher version {item.CipherVersion} is not supported");
        }

        var contextId = ContextIdOf(item);
        byte[] blob;
        try
        {
            blob = Convert.FromBase64String(item.DataKey);
        }
        catch (FormatException ex)
        {
            throw new CredentialCipherException(item.Id, "the data key is not base64", ex);
        }

        var keyTextBytes = _cache.TryGet(blob, contextId) ?? await UnwrapAsync(item.Id, blob, contextId, ct);
        try
        {
            var json = Fernet.Decrypt(Encoding.ASCII.GetString(keyTextBytes), item.CredentialPairs);
            return CredentialPairs.ParseStored(Encoding.UTF8.GetString(json));
        }
        catch (FernetException ex)
        {
            throw new CredentialCipherException(item.Id, "the credential pairs token does not decrypt with its data key", ex);
        }
        catch (Exception ex) when (ex is JsonException or DecoderFallbackException)
        {
            throw new CredentialCipherException(item.Id, "the decrypted credential pairs are not a JSON object", ex);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(keyTextBytes);
        }
    }

    private async Task<byte[]> UnwrapAsync(string credentialId, byte[] blob, string contextId, CancellationToken ct)
    {
        KmsDecryptResult result;
        try
        {
            result = await _keyService.DecryptAsync(blob, Context(contextId), ct);
        }
        catch (KeyServiceException ex) when (ex.Error is KeyServiceError.InvalidCiphertext or KeyServiceError.KeyNotFound)
        {
            throw new CredentialCipherException(credentialId, "the data key does not decrypt under the credential's context", ex);
        }

        _cache.Set(blob, contextId, result.Plaintext);
        return result.Plaintext;
    }

    /// <summary>The id KMS binds a credential item's data key to.</summary>
    // Spec §7.1 step 3: revisions share the base id's context; credential ids contain no dashes.
    internal static string ContextIdOf(CredentialItem item) => item.DataType == DataType.Credential ? item.Id : item.Id.Split('-', 2)[0];

    /// <summary>The encryption context of a data key: <c>{"id": credential id}</c>.</summary>
    internal static Dictionary<string, string> Context(string id) => new(StringComparer.Ordinal) { [ContextKey] = id };
}

/// <summary>A stored credential could not be decrypted. The message names only the credential id and the reason.</summary>
public sealed class CredentialCipherException(string credentialId, string reason, Exception? innerException = null)
    : Exception($"Credential {credentialId} cannot be decrypted: {reason}.", innerException)
{
    public string CredentialId { get; } = credentialId;
}
