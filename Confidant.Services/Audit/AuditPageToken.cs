using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Confidant.Services.Errors;

namespace Confidant.Services.Audit;

/// <summary>The page token of audit queries: the id of the last event of the page, base64url-encoded.</summary>
internal static partial class AuditPageToken
{
    public static string Encode(string lastId) => Convert.ToBase64String(Encoding.UTF8.GetBytes(lastId)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string? Decode(string? token)
    {
        if (token is null)
        {
            return null;
        }

        try
        {
            var padded = token.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - (padded.Length % 4)) % 4);
            var id = Encoding.UTF8.GetString(Convert.FromBase64String(padded));
            return IdShape().IsMatch(id) && TryParseTime(id, out _) ? id : throw new FormatException();
        }
        catch (FormatException)
        {
            throw ConfidantException.BadRequest(ErrorMessages.FailedToParsePage);
        }
    }

    /// <summary>The time an event id starts with (<c>yyyyMMddHHmmssffffff</c>); false for digits that name no time.</summary>
    public static bool TryParseTime(string id, out DateTimeOffset time)
    {
        var parsed = DateTime.TryParseExact(
            id.AsSpan(0, Math.Min(20, id.Length)),
            TimeFormat,
            CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal,
            out var utc);
        time = parsed ? new DateTimeOffset(utc, TimeSpan.Zero) : default;
        return parsed;
    }

    public const string TimeFormat = "yyyyMMddHHmmssffffff";

    [GeneratedRegex("^[0-9]{20}-[0-9a-f]{16}$")]
    private static partial Regex IdShape();
}
