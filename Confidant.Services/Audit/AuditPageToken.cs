using System.Globalization;
using System.Text;
using Confidant.Services.Errors;

namespace Confidant.Services.Audit;

/// <summary>
/// The page token of audit queries: the position of the last record examined (time in ticks, chain id, sequence),
/// base64url-encoded. The next page continues strictly after it, so a page is never lost or repeated.
/// </summary>
internal static class AuditPageToken
{
    public static string Encode(AuditPosition position)
    {
        var text = string.Create(CultureInfo.InvariantCulture, $"{position.Time.UtcTicks}:{position.ChainId}:{position.Sequence}");
        return Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    public static AuditPosition? Decode(string? token)
    {
        if (token is null)
        {
            return null;
        }

        try
        {
            var padded = token.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - (padded.Length % 4)) % 4);
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(padded)).Split(':');
            if (parts.Length == 3
                && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                && ticks <= DateTimeOffset.MaxValue.UtcTicks
                && AuditChainId.IsValid(parts[1])
                && long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
            {
                return new AuditPosition(new DateTimeOffset(ticks, TimeSpan.Zero), parts[1], sequence);
            }
        }
        catch (FormatException)
        {
        }

        throw ConfidantException.BadRequest(ErrorMessages.FailedToParsePage);
    }
}
