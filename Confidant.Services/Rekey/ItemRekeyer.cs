using System.Security.Cryptography;
using System.Text;
using Confidant.Services.Crypto;
using Confidant.Services.Kms;
using Confidant.Services.Storage;

namespace Confidant.Services.Rekey;

/// <summary>
/// One item of the job: its data key re-wrapped under the target key (KMS ReEncrypt: the data key never leaves the key
/// service), or for the current revision of a selected credential in re-key mode a fresh data key and fresh ciphertext.
/// The result is checked before it is written (it decrypts under the target key, and the pairs decrypt with it), then
/// written only if the item still holds the data key it was read with; an item changed meanwhile is read again and done
/// again.
/// </summary>
internal sealed class ItemRekeyer(IConfidantStore store, TimeProvider time)
{
    private const int MaxAttempts = 5;
    private const int DataKeyBytes = 32;
    private const int SupportedCipherVersion = 2;

    public async Task<ItemOutcome> ProcessAsync(RekeyJob job, IKeyService keys, WalkItem walked, CancellationToken cancellationToken)
    {
        var item = walked.Item;
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            CredentialItem? rewritten;
            try
            {
                rewritten = await NeedsFreshKeyAsync(job, walked.Table, item, cancellationToken)
                    ? await RekeyAsync(job, keys, item, cancellationToken)
                    : await RewrapAsync(job, keys, item, cancellationToken);
            }
            catch (Exception error) when (ErrorClass(error) is { } errorClass)
            {
                return ItemOutcome.Fail(item, errorClass);
            }

            if (rewritten is null)
            {
                return ItemOutcome.Skip(item);
            }

            var result = await store.RewriteDataKeyAsync(walked.Table, rewritten, item.DataKey, cancellationToken);
            if (result.Rewritten)
            {
                // What the store holds now is what was checked above, byte for byte.
                return result.Current is CredentialItem stored
                    && string.Equals(stored.DataKey, rewritten.DataKey, StringComparison.Ordinal)
                    && string.Equals(stored.CredentialPairs, rewritten.CredentialPairs, StringComparison.Ordinal)
                        ? ItemOutcome.Rewrite(item)
                        : ItemOutcome.Fail(item, "StoredItemDiffers");
            }

            if (result.Current is not CredentialItem current || current.DataType != item.DataType)
            {
                // Archived or restored meanwhile: the walk meets it where it went (docs/decisions/0016-rekey-job.md).
                return ItemOutcome.Skip(item);
            }

            item = current;
        }

        return ItemOutcome.Fail(item, "ChangedTooOften");
    }

    /// <summary>Re-key mode, primary table, a selected credential, and the item is its current revision.</summary>
    private async Task<bool> NeedsFreshKeyAsync(RekeyJob job, StoreTable table, CredentialItem item, CancellationToken cancellationToken)
    {
        if (job.Mode != RekeyMode.Rekey || table != StoreTable.Primary)
        {
            return false;
        }

        var id = CredentialCipher.ContextIdOf(item);
        if (job.Selection.Count > 0 && !job.Selection.Contains(id, StringComparer.Ordinal))
        {
            return false;
        }

        return item.DataType == DataType.Credential
            || (await store.GetAsync(id, cancellationToken) is CredentialItem { DataType: DataType.Credential } current && current.Revision == item.Revision);
    }

    /// <summary>The item with its data key under the target key, or null when it already was.</summary>
    private static async Task<CredentialItem?> RewrapAsync(RekeyJob job, IKeyService keys, CredentialItem item, CancellationToken cancellationToken)
    {
        RequireSupported(item);
        var context = CredentialCipher.Context(CredentialCipher.ContextIdOf(item));
        var result = await keys.ReEncryptAsync(Convert.FromBase64String(item.DataKey), context, job.TargetKeyArn, context, cancellationToken);
        if (SameKey(result.SourceKeyArn, job.TargetKeyArn))
        {
            return null;
        }

        var rewritten = item with { DataKey = Convert.ToBase64String(result.Ciphertext) };
        await VerifyAsync(job, keys, rewritten, null, cancellationToken);
        return rewritten;
    }

    /// <summary>
    /// The item with a fresh data key under the target key and its pairs encrypted anew, or null when it was written since
    /// the job started (a write makes a fresh data key) under the target key already.
    /// </summary>
    private async Task<CredentialItem?> RekeyAsync(RekeyJob job, IKeyService keys, CredentialItem item, CancellationToken cancellationToken)
    {
        RequireSupported(item);
        var context = CredentialCipher.Context(CredentialCipher.ContextIdOf(item));
        var old = await keys.DecryptAsync(Convert.FromBase64String(item.DataKey), context, cancellationToken);
        byte[]? plaintext = null;
        byte[]? keyTextBytes = null;
        try
        {
            if (SameKey(old.KeyArn, job.TargetKeyArn) && item.ModifiedDate >= job.StartedAt)
            {
                return null;
            }

            plaintext = Fernet.Decrypt(Encoding.ASCII.GetString(old.Plaintext), item.CredentialPairs);

            // Spec §7.1: a data key is the Fernet key text of 32 random bytes from the key service, wrapped as text.
            var random = await keys.GenerateRandomAsync(DataKeyBytes, cancellationToken);
            var keyText = Fernet.GenerateKeyText(random);
            CryptographicOperations.ZeroMemory(random);
            keyTextBytes = Encoding.ASCII.GetBytes(keyText);
            var wrapped = await keys.EncryptAsync(job.TargetKeyArn, keyTextBytes, context, cancellationToken);
            var rewritten = item with
            {
                DataKey = Convert.ToBase64String(wrapped.Ciphertext),
                CredentialPairs = Fernet.Encrypt(keyText, plaintext, time.GetUtcNow()),
                CipherVersion = SupportedCipherVersion,
            };
            await VerifyAsync(job, keys, rewritten, plaintext, cancellationToken);
            return rewritten;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(old.Plaintext);
            CryptographicOperations.ZeroMemory(plaintext);
            CryptographicOperations.ZeroMemory(keyTextBytes);
        }
    }

    /// <summary>
    /// The rewritten item's data key decrypts, at the key service, under the target key, and its pairs decrypt with it (to
    /// <paramref name="expected"/> when given).
    /// </summary>
    private static async Task VerifyAsync(RekeyJob job, IKeyService keys, CredentialItem rewritten, byte[]? expected, CancellationToken cancellationToken)
    {
        var context = CredentialCipher.Context(CredentialCipher.ContextIdOf(rewritten));
        var decrypted = await keys.DecryptAsync(Convert.FromBase64String(rewritten.DataKey), context, cancellationToken);
        try
        {
            if (!SameKey(decrypted.KeyArn, job.TargetKeyArn))
            {
                throw new RekeyItemException("NotUnderTargetKey");
            }

            var pairs = Fernet.Decrypt(Encoding.ASCII.GetString(decrypted.Plaintext), rewritten.CredentialPairs);
            try
            {
                if (expected is not null && !CryptographicOperations.FixedTimeEquals(pairs, expected))
                {
                    throw new RekeyItemException("VerificationFailed");
                }
            }
            finally
            {
                CryptographicOperations.ZeroMemory(pairs);
            }
        }
        catch (FernetException)
        {
            throw new RekeyItemException("VerificationFailed");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(decrypted.Plaintext);
        }
    }

    private static void RequireSupported(CredentialItem item)
    {
        if (item.CipherVersion != SupportedCipherVersion)
        {
            throw new RekeyItemException("UnsupportedCipherVersion");
        }
    }

    private static bool SameKey(string a, string b) => string.Equals(a, b, StringComparison.Ordinal);

    /// <summary>
    /// The class of an error that belongs to this one item, or null for one that stops the batch (the key service or the
    /// store unreachable, cancellation): those are retried by the job as a whole.
    /// </summary>
    private static string? ErrorClass(Exception error) => error switch
    {
        RekeyItemException item => item.ErrorClass,
        FormatException => "DataKeyNotBase64",
        FernetException => "PairsDoNotDecrypt",
        KeyServiceException { Error: not KeyServiceError.Unavailable } keys => "KeyService" + keys.Error,
        _ => null,
    };

    private sealed class RekeyItemException(string errorClass) : Exception(errorClass)
    {
        public string ErrorClass { get; } = errorClass;
    }
}

/// <summary>What became of one item.</summary>
internal sealed record ItemOutcome(ItemResult Result, CredentialItem Item, string? Error)
{
    public static ItemOutcome Rewrite(CredentialItem item) => new(ItemResult.Rewritten, item, null);

    public static ItemOutcome Skip(CredentialItem item) => new(ItemResult.Skipped, item, null);

    public static ItemOutcome Fail(CredentialItem item, string error) => new(ItemResult.Failed, item, error);
}

internal enum ItemResult
{
    Rewritten,
    Skipped,
    Failed,
}
