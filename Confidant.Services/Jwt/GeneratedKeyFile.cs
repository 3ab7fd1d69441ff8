using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Confidant.Services.Jwt;

/// <summary>
/// The generated signing keys on disk: per environment, each key's kid, creation and retirement times and its private
/// key as key-service ciphertext (never the key in clear). A change happens under an exclusive lock on a sibling
/// <c>.lock</c> file and is published by an atomic rename, so the server and a <c>jwt rotate</c> run at the same time
/// neither lose each other's keys nor read a half-written file.
/// </summary>
internal sealed class GeneratedKeyFile(string path)
{
    public const int CurrentVersion = 1;

    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(30);
    // Relaxed escaping keeps base64 readable ('+' as itself); the file is read back as JSON, never embedded in HTML.
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public string Path { get; } = path;

    /// <summary>What identifies this version of the file (null when there is none), to notice another process's change.</summary>
    public (DateTime Written, long Length)? Stamp()
    {
        var info = new FileInfo(Path);
        return info.Exists ? (info.LastWriteTimeUtc, info.Length) : null;
    }

    public GeneratedKeyDocument Read()
    {
        if (!File.Exists(Path))
        {
            return GeneratedKeyDocument.Empty;
        }

        GeneratedKeyDocument? document;
        try
        {
            document = JsonSerializer.Deserialize<GeneratedKeyDocument>(File.ReadAllBytes(Path), Json);
        }
        catch (JsonException)
        {
            document = null;
        }

        return document is { Version: CurrentVersion, Environments: not null }
            ? document
            : throw new InvalidOperationException($"The JWT key file {Path} is not a version {CurrentVersion} key file (Jwt:KeyFile).");
    }

    /// <summary>
    /// Reads the file under the lock, applies <paramref name="change"/> and writes its result; a null result writes
    /// nothing. Returns the document as it stands afterwards.
    /// </summary>
    public async Task<GeneratedKeyDocument> UpdateAsync(
        Func<GeneratedKeyDocument, Task<GeneratedKeyDocument?>> change,
        CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        using var fileLock = await LockAsync(cancellationToken);
        var current = Read();
        if (await change(current) is not { } updated)
        {
            return current;
        }

        var temporary = $"{Path}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}.tmp";
        try
        {
            await using (var stream = new FileStream(temporary, Options(FileMode.CreateNew, FileAccess.Write)))
            {
                await JsonSerializer.SerializeAsync(stream, updated, Json, cancellationToken);
                await stream.FlushAsync(cancellationToken);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, Path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }

        return updated;
    }

    private async Task<FileStream> LockAsync(CancellationToken cancellationToken)
    {
        // Wall-clock waiting, not the injected clock: a fake clock in tests must not make this wait forever.
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            try
            {
                return new FileStream(Path + ".lock", Options(FileMode.OpenOrCreate, FileAccess.ReadWrite));
            }
            catch (IOException) when (Stopwatch.GetElapsedTime(started) < LockTimeout)
            {
                await Task.Delay(20, cancellationToken);
            }
        }
    }

    private static FileStreamOptions Options(FileMode mode, FileAccess access)
    {
        var options = new FileStreamOptions { Mode = mode, Access = access, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            // Nothing in it is secret in clear, but nobody else has any business changing which keys are published.
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        return options;
    }
}

/// <summary>The key file: <c>{"version": 1, "environments": {"&lt;name&gt;": [key, ...]}}</c>.</summary>
internal sealed record GeneratedKeyDocument(
    [property: JsonPropertyName("version")] int Version,
    [property: JsonPropertyName("environments")] Dictionary<string, List<GeneratedKeyEntry>> Environments)
{
    public static GeneratedKeyDocument Empty => new(GeneratedKeyFile.CurrentVersion, new Dictionary<string, List<GeneratedKeyEntry>>(StringComparer.Ordinal));

    public IReadOnlyList<GeneratedKeyEntry> KeysOf(string environment) =>
        Environments.TryGetValue(environment, out var keys) ? keys : [];

    /// <summary>A copy with the keys of <paramref name="environment"/> replaced.</summary>
    public GeneratedKeyDocument With(string environment, List<GeneratedKeyEntry> keys) =>
        this with { Environments = new Dictionary<string, List<GeneratedKeyEntry>>(Environments, StringComparer.Ordinal) { [environment] = keys } };
}

/// <summary>
/// One generated key. <see cref="PrivateKey"/> is the key service's ciphertext (standard base64) of the PKCS#8 key,
/// bound by its encryption context to the environment and kid. <see cref="RetireAt"/> is null while the key signs;
/// after a rotation it is when the key leaves the JWKS.
/// </summary>
internal sealed record GeneratedKeyEntry(
    [property: JsonPropertyName("kid")] string Kid,
    [property: JsonPropertyName("created")] DateTimeOffset Created,
    [property: JsonPropertyName("retire_at")] DateTimeOffset? RetireAt,
    [property: JsonPropertyName("private_key")] string PrivateKey);
