using System.Text;
using System.Xml.Linq;
using Confidant.Services.Kms;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace Confidant.Web.DataProtection;

/// <summary>
/// Unwraps what <see cref="KeyServiceXmlEncryptor"/> wrapped. Data Protection creates it by its type name, named in
/// each stored key, with the application's services.
/// </summary>
internal sealed class KeyServiceXmlDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement)
    {
        ArgumentNullException.ThrowIfNull(encryptedElement);
        byte[] ciphertext;
        try
        {
            ciphertext = Convert.FromBase64String(encryptedElement.Element("value")?.Value
                ?? throw new InvalidDataException("A Data Protection key wrapped by the key service has no value."));
        }
        catch (FormatException error)
        {
            throw new InvalidDataException("A Data Protection key wrapped by the key service is not base64.", error);
        }

        var keys = services.GetRequiredService<IKeyService>();
        var decrypted = SynchronousCall.Run(() => keys.DecryptAsync(ciphertext, KeyServiceXmlEncryptor.Context));
        try
        {
            return XElement.Parse(Encoding.UTF8.GetString(decrypted.Plaintext));
        }
        finally
        {
            System.Security.Cryptography.CryptographicOperations.ZeroMemory(decrypted.Plaintext);
        }
    }
}
