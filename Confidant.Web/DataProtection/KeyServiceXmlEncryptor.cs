using System.Text;
using System.Xml.Linq;
using Confidant.Services.Kms;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace Confidant.Web.DataProtection;

/// <summary>
/// Wraps the secret part of each Data Protection key (its descriptor, which holds the key material) with the key
/// service under the at-rest key, so the store never holds it in clear; <see cref="KeyServiceXmlDecryptor"/> unwraps it.
/// </summary>
internal sealed class KeyServiceXmlEncryptor(IKeyService keys, string keyId) : IXmlEncryptor
{
    internal const string ElementName = "keyServiceEncrypted";

    /// <summary>The encryption context: a blob of another purpose (a credential's data key, a JWT key) is refused here.</summary>
    internal static readonly IReadOnlyDictionary<string, string> Context = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["purpose"] = "aspnetcore-data-protection-key",
    };

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        ArgumentNullException.ThrowIfNull(plaintextElement);
        var plaintext = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        try
        {
            var encrypted = SynchronousCall.Run(() => keys.EncryptAsync(keyId, plaintext, Context));
            var element = new XElement(
                ElementName,
                new XComment(" The key material, encrypted by Confidant's key service (Kms:MasterKeyId). "),
                new XElement("value", Convert.ToBase64String(encrypted.Ciphertext)));
            return new EncryptedXmlInfo(element, typeof(KeyServiceXmlDecryptor));
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(plaintext);
        }
    }
}
