using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Confidant.Services.Certificates.Local;

/// <summary>
/// The local CA as stored: its certificate (PEM) and its PKCS#8 private key encrypted by the key service. The file
/// never holds the key in clear. It is created once, atomically (a private temporary file renamed into place without
/// overwriting), so that processes starting together end up with one CA.
/// </summary>
internal sealed record LocalCertificateAuthorityFile(
    [property: JsonPropertyName("version")] int Version,
    [property: JsonPropertyName("certificate")] string Certificate,
    [property: JsonPropertyName("encrypted_key")] string EncryptedKey,
    [property: JsonPropertyName("key_arn")] string KeyArn)
{
    public const int CurrentVersion = 1;

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static LocalCertificateAuthorityFile? Read(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        LocalCertificateAuthorityFile? file;
        try
        {
            file = JsonSerializer.Deserialize<LocalCertificateAuthorityFile>(File.ReadAllBytes(path));
        }
        catch (JsonException error)
        {
            throw new InvalidOperationException($"The local CA file {path} is not valid JSON.", error);
        }

        if (file is not { Version: CurrentVersion, Certificate.Length: > 0, EncryptedKey.Length: > 0 })
        {
            throw new InvalidOperationException($"The local CA file {path} is not a version {CurrentVersion} CA file.");
        }

        return file;
    }

    /// <summary>Writes this CA unless <paramref name="path"/> already holds one; returns the CA that is now there.</summary>
    public LocalCertificateAuthorityFile CreateOrRead(string path)
    {
        var directory = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(directory);
        var temporary = $"{path}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}.tmp";
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = OwnerOnly;
            }

            using (var stream = new FileStream(temporary, options))
            {
                JsonSerializer.Serialize(stream, this);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: false);
            return this;
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process created the CA first: theirs is the one.
            return Read(path)!;
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    public X509Certificate2 LoadCertificate() => X509Certificate2.CreateFromPem(Certificate);
}
