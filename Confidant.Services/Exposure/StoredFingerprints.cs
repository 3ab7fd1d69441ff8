using Confidant.Services.Crypto;
using Confidant.Services.Storage;

namespace Confidant.Services.Exposure;

/// <summary>
/// The fingerprints of a stored credential revision under the configured key: the ones kept with it, or, for a
/// revision written before fingerprints were (or by another Confidant), made now from its values and kept with it.
/// The values are decrypted inside the server for that and go nowhere else.
/// </summary>
public sealed class StoredFingerprints(IConfidantStore store, CredentialCipher cipher, ValueFingerprinter fingerprinter)
{
    /// <summary>Whether <paramref name="item"/> carries fingerprints made under the configured key.</summary>
    public async Task<bool> HasAsync(CredentialItem item, CancellationToken cancellationToken = default) =>
        item.Fingerprints is { } kept && kept.MadeWith(await fingerprinter.KeyIdAsync(cancellationToken));

    public async Task<ValueFingerprints> OfAsync(CredentialItem item, CancellationToken cancellationToken = default)
    {
        if (await HasAsync(item, cancellationToken))
        {
            return item.Fingerprints!;
        }

        var made = await fingerprinter.ComputeAsync(await cipher.DecryptAsync(item, cancellationToken), cancellationToken);

        // False when the item moved on or went meanwhile: the fingerprints still describe the values read.
        await store.SetFingerprintsAsync(item.Id, item.Revision, made, cancellationToken);
        return made;
    }
}
