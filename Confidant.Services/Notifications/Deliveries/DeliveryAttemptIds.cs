using System.Security.Cryptography;

namespace Confidant.Services.Notifications.Deliveries;

/// <summary>Ids of attempts and of the events and messages they carry: 32 random lowercase hex characters.</summary>
public static class DeliveryAttemptIds
{
    public static string New() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public static bool IsValid(string id) => id.Length == 32 && id.All(char.IsAsciiHexDigitLower);
}
