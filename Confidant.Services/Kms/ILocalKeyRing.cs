namespace Confidant.Services.Kms;

/// <summary>
/// The embedded key ring's own administration (registered with <c>Kms:Provider=Local</c> only; AWS KMS keys are
/// administered in AWS): list the keys, rotate the key behind an alias, disable or enable a key. Changes are written to
/// the ring file at once; servers sharing the file follow within a second.
/// </summary>
public interface ILocalKeyRing
{
    /// <summary>Every key of the ring, encryption and HMAC keys alike, in the order they were created.</summary>
    IReadOnlyList<LocalKeyInfo> Keys();

    /// <summary>
    /// Adds a new encryption key and moves <paramref name="aliasName"/> onto it. The key that held the alias keeps working for
    /// what it already encrypted. Fails with <see cref="KeyServiceError.KeyNotFound"/> when no key holds the alias and
    /// <see cref="KeyServiceError.InvalidRequest"/> when it names an HMAC key.
    /// </summary>
    LocalKeyInfo Rotate(string aliasName);

    /// <summary>
    /// Enables or disables a key (by key id or ARN). A disabled key neither encrypts nor decrypts. A key that an alias
    /// names cannot be disabled (<see cref="KeyServiceError.InvalidRequest"/>): new writes would fail.
    /// </summary>
    LocalKeyInfo SetEnabled(string keyId, bool enabled);
}

/// <summary>One key of the local ring, without its material.</summary>
public sealed record LocalKeyInfo(string KeyId, string Arn, DateTimeOffset Created, bool Enabled, IReadOnlyList<string> Aliases, bool IsHmac);
