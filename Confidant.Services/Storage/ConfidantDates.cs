using System.Globalization;

namespace Confidant.Services.Storage;

/// <summary>
/// The stored date format of spec §6.4 / §12.1: <c>yyyy-MM-ddTHH:mm:ss.ffffff+0000</c>, always UTC, 31 characters.
/// Its lexicographic order is its chronological order, which the GSI range key and SQLite keyset paging rely on.
/// </summary>
public static class ConfidantDates
{
    public const int Length = 31;

    private const string Format = "yyyy-MM-dd'T'HH:mm:ss.ffffff'+0000'";

    /// <summary>Formats a date as stored; sub-microsecond ticks are truncated, as Python's datetime has none.</summary>
    public static string ToStored(DateTimeOffset value) =>
        TruncateToMicroseconds(value).UtcDateTime.ToString(Format, CultureInfo.InvariantCulture);

    /// <summary>Strict parse: the Python reader rejects any other shape, so a stored date of another shape is corrupt.</summary>
    public static bool TryParseStored(string? text, out DateTimeOffset value)
    {
        value = default;
        if (text is null || text.Length != Length)
        {
            return false;
        }

        if (!DateTime.TryParseExact(
                text,
                Format,
                CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal,
                out var parsed))
        {
            return false;
        }

        value = new DateTimeOffset(DateTime.SpecifyKind(parsed, DateTimeKind.Utc));
        return true;
    }

    public static DateTimeOffset ParseStored(string? text) =>
        TryParseStored(text, out var value)
            ? value
            : throw new FormatException("The text is not a stored date of the form yyyy-MM-ddTHH:mm:ss.ffffff+0000.");

    /// <summary>The same instant in UTC with the ticks below one microsecond dropped.</summary>
    public static DateTimeOffset TruncateToMicroseconds(DateTimeOffset value)
    {
        var utc = value.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % 10), TimeSpan.Zero);
    }
}
