using Confidant.Bench.Harness;
using Confidant.Services.Crypto;
using Confidant.Services.Kms;
using Confidant.Services.Storage;
using Confidant.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Confidant.Bench.Scenarios;

/// <summary>
/// Envelope encryption of one credential (spec §7.1) through <see cref="CredentialCipher"/>, on the local key ring
/// and on moto's KMS over HTTP. Each key service sits behind a counting wrapper, so every row shows the KMS calls
/// an operation really made.
/// </summary>
internal sealed class CipherScenarios(BenchOptions options, MotoServerFixture moto, TempDirectory directory)
{
    private const string LocalMasterAlias = "alias/confidant-at-rest";

    // The configured default; the whole bench takes far less than the cache's lifetime.
    private const int CacheSeconds = 300;

    private readonly TimeProvider _time = TimeProvider.System;

    public async Task<IReadOnlyList<ResultRow>> RunAsync()
    {
        var local = new CountingKeyService(new LocalKeyService(
            directory.File("bench.keyring.json"), [LocalMasterAlias], _time, NullLogger<LocalKeyService>.Instance));
        var (motoAlias, _) = await moto.CreateKeyAsync("bench-at-rest");
        using var kmsClient = moto.CreateKmsClient();
        var aws = new CountingKeyService(new AwsKmsKeyService(kmsClient));

        var rows = new List<ResultRow>();
        rows.AddRange(await EncryptAsync(local, aws, motoAlias));
        rows.AddRange(await DecryptAsync("local key ring", local, LocalMasterAlias, options.Iterations * options.InProcessFactor));
        rows.AddRange(await DecryptAsync("moto KMS over HTTP", aws, motoAlias, options.Iterations));
        return rows;
    }

    private Task<IReadOnlyList<ResultRow>> EncryptAsync(CountingKeyService local, CountingKeyService aws, string motoAlias)
    {
        var pairs = SampleCredentials.CredentialPairs();
        var id = SampleCredentials.NewId();
        var localCipher = Cipher(local, LocalMasterAlias, cacheSize: 1024);
        var awsCipher = Cipher(aws, motoAlias, cacheSize: 1024);
        return Comparison.RunAsync(
            "Encrypt 1 credential, 3 pairs (CredentialCipher.EncryptAsync)",
            options.Rounds,
            new Variant("local key ring", options.Iterations * options.InProcessFactor, _ => localCipher.EncryptAsync(id, pairs), () => local.Calls),
            new Variant("moto KMS over HTTP", options.Iterations, _ => awsCipher.EncryptAsync(id, pairs), () => aws.Calls));
    }

    private async Task<IReadOnlyList<ResultRow>> DecryptAsync(string keyService, CountingKeyService keys, string masterKeyId, int iterations)
    {
        var writer = Cipher(keys, masterKeyId, cacheSize: 16);
        var items = new CredentialItem[2];
        for (var i = 0; i < items.Length; i++)
        {
            var id = SampleCredentials.NewId();
            items[i] = SampleCredentials.Item(id, await writer.EncryptAsync(id, SampleCredentials.CredentialPairs()), _time.GetUtcNow());
        }

        // Warm: the default cache, one credential read again and again (the first read fills the cache).
        // Cold: a cache of one entry and two credentials read alternately, so every read misses and unwraps its
        // data key at the key service; the KMS calls/op column shows exactly 1 when that holds.
        var warm = Cipher(keys, masterKeyId, cacheSize: 1024);
        var cold = Cipher(keys, masterKeyId, cacheSize: 1);
        var rows = await Comparison.RunAsync(
            $"Decrypt 1 credential, 3 pairs, {keyService} (CredentialCipher.DecryptAsync)",
            options.Rounds,
            new Variant("warm data-key cache", iterations, _ => DecryptOneAsync(warm, items[0]), () => keys.Decrypts),
            new Variant("cold: cache of 1, 2 credentials alternating", iterations, n => DecryptOneAsync(cold, items[n % 2]), () => keys.Decrypts));
        if (rows[1].KmsCallsPerOp is not 1.0)
        {
            throw new InvalidOperationException($"The cold-cache variant ({keyService}) did not call KMS on every decrypt.");
        }

        return rows;
    }

    private static async Task DecryptOneAsync(CredentialCipher cipher, CredentialItem item)
    {
        var pairs = await cipher.DecryptAsync(item);
        if (pairs.Count != SampleCredentials.PairCount)
        {
            throw new InvalidOperationException($"Credential {item.Id} decrypted to {pairs.Count} pairs.");
        }
    }

    private CredentialCipher Cipher(IKeyService keys, string masterKeyId, int cacheSize)
    {
        var settings = Options.Create(new KmsOptions
        {
            MasterKeyId = masterKeyId,
            DataKeyCacheSize = cacheSize,
            DataKeyCacheSeconds = CacheSeconds,
        });
        return new CredentialCipher(keys, new DataKeyCache(settings, _time), settings, _time);
    }
}
