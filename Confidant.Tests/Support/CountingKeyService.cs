using Confidant.Services;
using Confidant.Services.Kms;
using Microsoft.Extensions.DependencyInjection;

namespace Confidant.Tests.Support;

/// <summary>Wraps the real key service and counts the calls that reach it.</summary>
public sealed class CountingKeyService(IKeyService inner) : IKeyService
{
    private int _decrypts;
    private int _encrypts;
    private int _randoms;
    private int _reEncrypts;
    private int _describes;
    private int _macs;

    public int Decrypts => Volatile.Read(ref _decrypts);

    public int Encrypts => Volatile.Read(ref _encrypts);

    /// <summary>GenerateMac and VerifyMac calls (audit checkpoints).</summary>
    public int Macs => Volatile.Read(ref _macs);

    /// <summary>Told the operation of every call as it reaches the key service.</summary>
    public Action<string>? OnCall { get; set; }

    /// <summary>Every call that reached the key service, whatever the operation.</summary>
    public int Calls => Decrypts + Encrypts + Volatile.Read(ref _randoms) + Volatile.Read(ref _reEncrypts) + Volatile.Read(ref _describes) + Macs;

    /// <summary>Replaces the registered <see cref="IKeyService"/> with a counting wrapper around it.</summary>
    public static void Decorate(IServiceCollection services) =>
        ServiceDecoration.Decorate<IKeyService>(services, (_, inner) => new CountingKeyService(inner));

    public Task<byte[]> GenerateRandomAsync(int numberOfBytes, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _randoms);
        OnCall?.Invoke("GenerateRandom");
        return inner.GenerateRandomAsync(numberOfBytes, cancellationToken);
    }

    public Task<KmsEncryptResult> EncryptAsync(string keyId, ReadOnlyMemory<byte> plaintext, IReadOnlyDictionary<string, string> encryptionContext, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _encrypts);
        OnCall?.Invoke("Encrypt");
        return inner.EncryptAsync(keyId, plaintext, encryptionContext, cancellationToken);
    }

    public Task<KmsDecryptResult> DecryptAsync(ReadOnlyMemory<byte> ciphertext, IReadOnlyDictionary<string, string> encryptionContext, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _decrypts);
        OnCall?.Invoke("Decrypt");
        return inner.DecryptAsync(ciphertext, encryptionContext, cancellationToken);
    }

    public Task<KmsReEncryptResult> ReEncryptAsync(ReadOnlyMemory<byte> ciphertext, IReadOnlyDictionary<string, string> sourceEncryptionContext, string destinationKeyId, IReadOnlyDictionary<string, string> destinationEncryptionContext, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _reEncrypts);
        OnCall?.Invoke("ReEncrypt");
        return inner.ReEncryptAsync(ciphertext, sourceEncryptionContext, destinationKeyId, destinationEncryptionContext, cancellationToken);
    }

    public Task<KmsKeyMetadata> DescribeKeyAsync(string keyId, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _describes);
        OnCall?.Invoke("DescribeKey");
        return inner.DescribeKeyAsync(keyId, cancellationToken);
    }

    public Task<KmsMacResult> GenerateMacAsync(string keyId, ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _macs);
        OnCall?.Invoke("GenerateMac");
        return inner.GenerateMacAsync(keyId, message, cancellationToken);
    }

    public Task<bool> VerifyMacAsync(string keyId, ReadOnlyMemory<byte> message, ReadOnlyMemory<byte> mac, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _macs);
        OnCall?.Invoke("VerifyMac");
        return inner.VerifyMacAsync(keyId, message, mac, cancellationToken);
    }
}
