using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Confidant.Services.Errors;

namespace Confidant.Services.Notifications.Deliveries;

/// <summary>
/// The page token of delivery-log queries: the time (ticks) and id of the last attempt returned, base64url-encoded.
/// The next page continues strictly after it in newest-first order, so no attempt is lost or repeated.
/// </summary>
internal static class DeliveryPageToken
{
    public static string Encode(DeliveryAttempt last) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{last.Time.UtcTicks}:{last.Id}")));

    /// <summary>The position after which the page starts; a token that is not one of ours is a 400.</summary>
    public static (long Ticks, string Id)? Decode(string? token)
    {
        if (token is null)
        {
            return null;
        }

        try
        {
            var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token)).Split(':');
            if (parts.Length == 2
                && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                && ticks <= DateTimeOffset.MaxValue.UtcTicks
                && DeliveryAttemptIds.IsValid(parts[1]))
            {
                return (ticks, parts[1]);
            }
        }
        catch (FormatException)
        {
        }

        throw ConfidantException.BadRequest(ErrorMessages.FailedToParsePage);
    }
}
