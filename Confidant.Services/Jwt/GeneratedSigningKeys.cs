using System.Security.Cryptography;
using Confidant.Services.Kms;
using Microsoft.Extensions.Logging;

namespace Confidant.Services.Jwt;

/// <summary>
/// Signing keys made here, one active per environment, their private parts encrypted by the key service under the
/// at-rest key with the context <c>{"purpose": "jwt-signing-key", "environment", "kid"}</c>. A rotation adds a new
/// active key; the previous one stays published for <see cref="JwtOptions.DrainPeriod"/>, then is retired. Every
/// published key is decrypted when read, so an entry whose ciphertext does not match its kid and environment is refused.
/// </summary>
internal sealed partial class GeneratedSigningKeys(
    GeneratedKeyFile file,
    IKeyService keyService,
    string masterKeyId,
    JwtOptions options,
    TimeProvider time,
    ILogger logger)
{
    private readonly Dictionary<(string Environment, string Kid, string Ciphertext), RSA> _decrypted = [];
    private readonly Lock _decryptedLock = new();

    /// <summary>Creates a key for every generated environment that has none; returns the file as it stands.</summary>
    public Task<GeneratedKeyDocument> EnsureAsync(CancellationToken cancellationToken) =>
        file.UpdateAsync(
            async document =>
            {
                var missing = options.GeneratedEnvironments.Where(e => document.KeysOf(e).All(k => k.RetireAt is not null)).ToList();
                foreach (var environment in missing)
                {
                    var key = await CreateAsync(environment, cancellationToken);
                    document = document.With(environment, [.. document.KeysOf(environment), key]);
                    LogCreated(logger, environment, key.Kid);
                }

                return missing.Count > 0 ? document : null;
            },
            cancellationToken);

    /// <summary>Makes a new key active in <paramref name="environment"/> and starts the previous one's drain.</summary>
    public async Task<JwtRotation> RotateAsync(string environment, CancellationToken cancellationToken)
    {
        JwtRotation? rotation = null;
        await file.UpdateAsync(
            async document =>
            {
                var now = time.GetUtcNow();
                var retireAt = now + options.DrainPeriod;
                var previous = document.KeysOf(environment).LastOrDefault(k => k.RetireAt is null);
                var key = await CreateAsync(environment, cancellationToken);
                var kept = document.KeysOf(environment)
                    .Where(k => k.RetireAt is null || k.RetireAt > now)
                    .Select(k => k.RetireAt is null ? k with { RetireAt = retireAt } : k)
                    .Append(key)
                    .ToList();
                rotation = new JwtRotation(environment, key.Kid, previous?.Kid, previous is null ? null : retireAt);
                LogRotated(logger, environment, key.Kid, previous?.Kid ?? "none");
                return document.With(environment, kept);
            },
            cancellationToken);
        return rotation!;
    }

    /// <summary>The keys of <paramref name="document"/> that are still published, each checked by decrypting it.</summary>
    public async Task<Dictionary<string, JwtEnvironmentKeys>> LoadAsync(GeneratedKeyDocument document, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var loaded = new Dictionary<string, JwtEnvironmentKeys>(StringComparer.Ordinal);
        var live = new HashSet<(string, string, string)>();
        foreach (var environment in options.GeneratedEnvironments)
        {
            var keys = new List<JwtSigningKey>();
            JwtSigningKey? active = null;
            foreach (var entry in document.KeysOf(environment).Where(k => k.RetireAt is null || k.RetireAt > now))
            {
                live.Add((environment, entry.Kid, entry.PrivateKey));
                var rsa = await DecryptAsync(environment, entry, cancellationToken);
                var key = JwtSigningKey.FromPrivate(entry.Kid, rsa, entry.RetireAt, signs: entry.RetireAt is null);
                keys.Add(key);
                active = key.Signer is null ? active : key;
            }

            loaded[environment] = new JwtEnvironmentKeys(active, keys);
        }

        Forget(live);
        return loaded;
    }

    private async Task<GeneratedKeyEntry> CreateAsync(string environment, CancellationToken cancellationToken)
    {
        using var rsa = RSA.Create(options.KeySize);
        var kid = JwtSigningKey.Thumbprint(rsa.ExportParameters(false));
        var pkcs8 = rsa.ExportPkcs8PrivateKey();
        try
        {
            var encrypted = await keyService.EncryptAsync(masterKeyId, pkcs8, Context(environment, kid), cancellationToken);
            return new GeneratedKeyEntry(kid, time.GetUtcNow(), null, Convert.ToBase64String(encrypted.Ciphertext));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
    }

    private async Task<RSA> DecryptAsync(string environment, GeneratedKeyEntry entry, CancellationToken cancellationToken)
    {
        lock (_decryptedLock)
        {
            if (_decrypted.TryGetValue((environment, entry.Kid, entry.PrivateKey), out var known))
            {
                return known;
            }
        }

        byte[] ciphertext;
        try
        {
            ciphertext = Convert.FromBase64String(entry.PrivateKey);
        }
        catch (FormatException)
        {
            throw Refused(environment, entry.Kid, "its private key is not base64");
        }

        KmsDecryptResult plaintext;
        try
        {
            plaintext = await keyService.DecryptAsync(ciphertext, Context(environment, entry.Kid), cancellationToken);
        }
        catch (KeyServiceException error) when (error.Error == KeyServiceError.InvalidCiphertext)
        {
            throw Refused(environment, entry.Kid, "its private key does not decrypt for this environment and kid");
        }

        var rsa = RSA.Create();
        try
        {
            rsa.ImportPkcs8PrivateKey(plaintext.Plaintext, out _);
        }
        catch (CryptographicException)
        {
            rsa.Dispose();
            throw Refused(environment, entry.Kid, "its private key is not a PKCS#8 RSA key");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext.Plaintext);
        }

        if (JwtSigningKey.Thumbprint(rsa.ExportParameters(false)) != entry.Kid)
        {
            rsa.Dispose();
            throw Refused(environment, entry.Kid, "its kid is not the thumbprint of its key");
        }

        lock (_decryptedLock)
        {
            return _decrypted.TryAdd((environment, entry.Kid, entry.PrivateKey), rsa) ? rsa : _decrypted[(environment, entry.Kid, entry.PrivateKey)];
        }
    }

    /// <summary>
    /// Drops the decrypted keys that are no longer published. They are left to the collector rather than disposed: a
    /// request that took the previous snapshot may still be signing with one.
    /// </summary>
    private void Forget(HashSet<(string, string, string)> live)
    {
        lock (_decryptedLock)
        {
            foreach (var stale in _decrypted.Keys.Where(k => !live.Contains(k)).ToList())
            {
                _decrypted.Remove(stale);
            }
        }
    }

    private InvalidOperationException Refused(string environment, string kid, string reason) =>
        new($"The JWT key file {file.Path} holds a key '{kid}' for environment '{environment}' that is refused: {reason}.");

    private static Dictionary<string, string> Context(string environment, string kid) => new(StringComparer.Ordinal)
    {
        ["purpose"] = "jwt-signing-key",
        ["environment"] = environment,
        ["kid"] = kid,
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Generated JWT signing key {Kid} for environment {Environment}")]
    private static partial void LogCreated(ILogger logger, string environment, string kid);

    [LoggerMessage(Level = LogLevel.Information, Message = "Rotated the JWT signing key of {Environment}: {Kid} signs, {Previous} drains")]
    private static partial void LogRotated(ILogger logger, string environment, string kid, string previous);
}

/// <summary>What a rotation did: the new active kid, and the previous one with the time it leaves the JWKS.</summary>
public sealed record JwtRotation(string Environment, string Kid, string? PreviousKid, DateTimeOffset? PreviousRetireAt);
