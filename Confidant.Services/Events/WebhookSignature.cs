using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Confidant.Services.Events;

/// <summary>
/// The signature of a signed webhook: HMAC-SHA256, keyed with the endpoint's secret (UTF-8), over the ASCII unix
/// timestamp, a dot, and the body bytes as sent. A receiver recomputes it, compares in fixed time, and refuses
/// timestamps outside its replay window.
/// </summary>
public static class WebhookSignature
{
    public static string Header(string secret, DateTimeOffset timestamp, ReadOnlySpan<byte> body)
    {
        var seconds = timestamp.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signed = new byte[seconds.Length + 1 + body.Length];
        Encoding.ASCII.GetBytes(seconds + ".", signed);
        body.CopyTo(signed.AsSpan(seconds.Length + 1));
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed);
        return $"t={seconds},v1={Convert.ToHexStringLower(mac)}";
    }
}
