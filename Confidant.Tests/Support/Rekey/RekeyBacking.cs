namespace Confidant.Tests.Support.Rekey;

/// <summary>
/// Where the rekey job runs in a test: a store and a key service (SQLite with the local key ring, or dynalite with
/// moto's KMS), and how an operator there moves the master key to a new key and disables the old one.
/// </summary>
public abstract class RekeyBacking
{
    /// <summary>The master key alias the settings name.</summary>
    public abstract string MasterAlias { get; }

    /// <summary>Whether a disabled key refuses to decrypt here (moto's KMS does not enforce it).</summary>
    public abstract bool DisabledKeysRefuse { get; }

    /// <summary>Settings of a <see cref="DomainHost"/> on this backing (fresh tables and keys each time).</summary>
    public abstract Task<Dictionary<string, string?>> SettingsAsync();

    /// <summary>Moves the master alias onto a new key, as an operator would; returns the old and the new key's ARN.</summary>
    public abstract Task<(string Old, string New)> RotateMasterKeyAsync(DomainHost host);

    public abstract Task DisableKeyAsync(DomainHost host, string arn);
}
