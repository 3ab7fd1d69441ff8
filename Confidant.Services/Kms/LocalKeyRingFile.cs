using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;

namespace Confidant.Services.Kms;

// Reads, creates and extends the key ring file. Every change happens under an exclusive lock on a sibling
// .lock file and is published by an atomic rename, so processes starting at once neither clobber each
// other's keys nor read a half-written ring.
internal sealed partial class LocalKeyRingFile(string path, TimeProvider timeProvider, ILogger logger)
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode GroupOrOther =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The ring, with a new key for each alias no key carries yet: an encryption key, or an HMAC key when
    /// <paramref name="hmac"/> is set.
    /// </summary>
    public LocalKeyRing LoadOrCreate(IEnumerable<string> aliases, bool hmac = false)
    {
        var directory = Path.GetDirectoryName(path)!;
        if (!Directory.Exists(directory))
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(directory);
            }
            else
            {
                Directory.CreateDirectory(directory, OwnerOnly | UnixFileMode.UserExecute);
            }
        }

        using var fileLock = AcquireLock();
        var ring = File.Exists(path) ? Read() : null;
        var keys = ring?.Keys.ToList() ?? [];
        var missing = aliases.Distinct(StringComparer.Ordinal)
            .Where(alias => !keys.Any(k => k.Aliases.Contains(alias, StringComparer.Ordinal)))
            .ToList();
        foreach (var alias in missing)
        {
            var key = NewKey(alias, hmac);
            keys.Add(key);
            LogKeyCreated(logger, alias, key.KeyId);
        }

        if (ring is not null && missing.Count == 0)
        {
            return ring;
        }

        // Rings without HMAC keys keep their version, so that an older Confidant can still read them.
        var version = keys.Any(k => k.IsHmac) ? LocalKeyRing.CurrentVersion : ring?.Version ?? 1;
        var updated = new LocalKeyRing(version, keys);
        Publish(updated);
        if (ring is null)
        {
            LogRingCreated(logger, path);
        }

        return updated;
    }

    /// <summary>
    /// Adds a new encryption key carrying <paramref name="alias"/> and takes the alias off the key that held it.
    /// Returns the ring as written and the new key.
    /// </summary>
    public (LocalKeyRing Ring, LocalKey Key) Rotate(string alias)
    {
        using var fileLock = AcquireLock();
        var ring = ReadExisting();
        var current = ring.Keys.FirstOrDefault(k => k.Aliases.Contains(alias, StringComparer.Ordinal))
            ?? throw new KeyServiceException(KeyServiceError.KeyNotFound, $"No key of the local key ring carries the alias '{alias}'.");
        if (current.IsHmac)
        {
            throw new KeyServiceException(KeyServiceError.InvalidRequest, $"The alias '{alias}' names an HMAC key; only encryption keys are rotated.");
        }

        var key = NewKey(alias, hmac: false);
        var keys = ring.Keys
            .Select(k => ReferenceEquals(k, current) ? k with { Aliases = [.. k.Aliases.Where(a => a != alias)] } : k)
            .Append(key)
            .ToList();
        var updated = new LocalKeyRing(ring.Version, keys);
        Publish(updated);
        LogKeyRotated(logger, alias, current.KeyId, key.KeyId);
        return (updated, key);
    }

    /// <summary>Sets a key's <c>enabled</c> flag; a key an alias names stays enabled.</summary>
    public (LocalKeyRing Ring, LocalKey Key) SetEnabled(string keyId, bool enabled)
    {
        using var fileLock = AcquireLock();
        var ring = ReadExisting();
        var target = ring.Keys.FirstOrDefault(k => k.KeyId == keyId || k.Arn == keyId)
            ?? throw new KeyServiceException(KeyServiceError.KeyNotFound, $"Key '{keyId}' is not in the local key ring.");
        if (!enabled && target.Aliases.Count > 0)
        {
            throw new KeyServiceException(
                KeyServiceError.InvalidRequest,
                $"Key {target.KeyId} is in use under {string.Join(", ", target.Aliases)}; rotate the alias to a new key first.");
        }

        if (target.Enabled == enabled)
        {
            return (ring, target);
        }

        var changed = target with { Enabled = enabled };
        var updated = new LocalKeyRing(ring.Version, [.. ring.Keys.Select(k => ReferenceEquals(k, target) ? changed : k)]);
        Publish(updated);
        LogKeyEnabled(logger, changed.KeyId, enabled);
        return (updated, changed);
    }

    /// <summary>The file's last write time and length: a new value means another process changed the ring.</summary>
    public FileStamp Stamp()
    {
        var info = new FileInfo(path);
        return info.Exists ? new FileStamp(info.LastWriteTimeUtc.Ticks, info.Length) : default;
    }

    /// <summary>When and how long the ring file was as last seen.</summary>
    public readonly record struct FileStamp(long Ticks, long Length);

    private LocalKeyRing ReadExisting() =>
        File.Exists(path) ? Read() : throw new InvalidOperationException($"The local key ring {path} does not exist; start Confidant once to create it.");

    private LocalKeyRing Read()
    {
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & GroupOrOther) != 0)
        {
            throw new InvalidOperationException(
                $"The local key ring {path} is readable or writable by group or others; run 'chmod 600 {path}' and start again.");
        }

        return LocalKeyRing.Parse(File.ReadAllText(path), path);
    }

    private LocalKey NewKey(string alias, bool hmac)
    {
        var id = new Guid(RandomNumberGenerator.GetBytes(16)).ToString("D");
        return new LocalKey(id, LocalKey.ArnPrefix + id, timeProvider.GetUtcNow(), Enabled: true, [alias],
            RandomNumberGenerator.GetBytes(32), hmac ? LocalKey.HmacKeySpec : null);
    }

    private void Publish(LocalKeyRing ring)
    {
        var temporary = $"{path}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}.tmp";
        var bytes = ring.ToUtf8Json();
        try
        {
            // Owner-only from the first byte: the mode is set when the file is created, not changed afterwards.
            using (var stream = new FileStream(temporary, CreateOptions(FileMode.CreateNew, FileAccess.Write)))
            {
                stream.Write(bytes);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
            File.Delete(temporary);
        }
    }

    private FileStream AcquireLock()
    {
        // Wall-clock waiting, not the injected clock: a fake clock in tests must not make this spin forever.
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            try
            {
                return new FileStream(path + ".lock", CreateOptions(FileMode.OpenOrCreate, FileAccess.ReadWrite));
            }
            catch (IOException) when (Stopwatch.GetElapsedTime(started) < LockTimeout)
            {
                Thread.Sleep(20);
            }
        }
    }

    private static FileStreamOptions CreateOptions(FileMode mode, FileAccess access)
    {
        var options = new FileStreamOptions { Mode = mode, Access = access, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }

        return options;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Created the local key ring {Path}")]
    private static partial void LogRingCreated(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Created local key {KeyId} for {Alias}")]
    private static partial void LogKeyCreated(ILogger logger, string alias, string keyId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Moved {Alias} from local key {OldKeyId} to the new key {KeyId}")]
    private static partial void LogKeyRotated(ILogger logger, string alias, string oldKeyId, string keyId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Local key {KeyId} enabled: {Enabled}")]
    private static partial void LogKeyEnabled(ILogger logger, string keyId, bool enabled);
}
