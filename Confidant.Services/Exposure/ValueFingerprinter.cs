using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Confidant.Services.Credentials;
using Confidant.Services.Errors;
using Confidant.Services.Kms;
using Confidant.Services.Storage;
using Microsoft.Extensions.Options;

namespace Confidant.Services.Exposure;

/// <summary>
/// Makes the keyed fingerprints of credential values (docs/decisions/0015-value-fingerprints.md): per distinct value,
/// one <c>GenerateMac</c> of the key service over a labelled SHA-256 digest of the value, so that the message stays
/// within the key service's 4 KiB whatever the value's size and the key never leaves the key service.
/// </summary>
public sealed class ValueFingerprinter(IKeyService keys, IOptions<ExposureOptions> options)
{
    // GenerateMac calls in flight at once for one credential (AWS KMS answers them in parallel).
    private const int ConcurrentCalls = 8;

    private static readonly byte[] Label = "confidant-fingerprint/1\n"u8.ToArray();

    private volatile string? _keyId;

    /// <summary>
    /// The id the key service names the fingerprint key by (an ARN on AWS KMS), learnt from its first MAC: fingerprints
    /// made under another key are not comparable and count as missing.
    /// </summary>
    public async Task<string> KeyIdAsync(CancellationToken cancellationToken = default) =>
        _keyId ?? (await MacAsync(Label, cancellationToken)).KeyId;

    /// <summary>The fingerprints of <paramref name="pairs"/> under the configured key.</summary>
    public async Task<ValueFingerprints> ComputeAsync(CredentialPairs pairs, CancellationToken cancellationToken = default)
    {
        var messages = pairs.ToDictionary(p => p.Key, p => Message(p.Value), StringComparer.Ordinal);
        var distinct = messages.Values.DistinctBy(Convert.ToBase64String).ToList();
        var macs = new Dictionary<string, string>(StringComparer.Ordinal);
        string? keyId = null;
        foreach (var chunk in distinct.Chunk(ConcurrentCalls))
        {
            var results = await Task.WhenAll(chunk.Select(message => MacAsync(message, cancellationToken)));
            for (var i = 0; i < chunk.Length; i++)
            {
                macs[Convert.ToBase64String(chunk[i])] = Convert.ToBase64String(results[i].Mac);
                keyId ??= results[i].KeyId;
            }
        }

        // Without values there is nothing to fingerprint, but the key id still says which key they would be under.
        keyId ??= (await MacAsync(Label, cancellationToken)).KeyId;
        return new ValueFingerprints(keyId, messages.ToDictionary(m => m.Key, m => macs[Convert.ToBase64String(m.Value)], StringComparer.Ordinal));
    }

    /// <summary>
    /// What stands for a blind credential's values: a digest of its client-side ciphertexts, region by region. The
    /// server never sees the values; the same ciphertext is the same value, and a new value always has new ciphertext.
    /// </summary>
    public static string BlindDigest(BlindCredentialItem item)
    {
        var text = new StringBuilder();
        try
        {
            using var document = JsonDocument.Parse(item.CredentialPairs);
            foreach (var region in document.RootElement.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
            {
                text.Append(region.Name).Append('\0').Append(region.Value.ToString()).Append('\n');
            }
        }
        catch (Exception error) when (error is JsonException or InvalidOperationException)
        {
            // Not a region map (written by hand, or by a client of its own): the text as stored stands for it.
            text.Clear().Append(item.CredentialPairs);
        }

        return "sha256:" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    private static byte[] Message(JsonElement value)
    {
        var digest = SHA256.HashData(Encoding.UTF8.GetBytes(CredentialPairs.DisplayText(value)));
        return [.. Label, .. digest];
    }

    private async Task<KmsMacResult> MacAsync(byte[] message, CancellationToken cancellationToken)
    {
        var keyId = options.Value.FingerprintKeyId;
        try
        {
            var result = await keys.GenerateMacAsync(keyId, message, cancellationToken);
            _keyId = result.KeyId;
            return result;
        }
        catch (KeyServiceException error) when (error.Error is not KeyServiceError.Unavailable)
        {
            // A missing or unusable key is the operator's to fix: say which, rather than a failure to decrypt.
            throw new ConfidantException(
                ConfidantErrorKind.Unavailable,
                $"Values cannot be fingerprinted: the key service refused the fingerprint key {keyId} ({error.Error}).",
                innerException: error);
        }
    }
}
