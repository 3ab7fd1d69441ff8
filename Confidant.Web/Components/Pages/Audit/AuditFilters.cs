using System.Globalization;
using Confidant.Services.Audit;

namespace Confidant.Web.Components.Pages.Audit;

/// <summary>
/// The audit page's filter form. Times are typed in the person's local time (<c>datetime-local</c> inputs) and turned
/// into instants in their browser's time zone; empty fields filter nothing.
/// </summary>
internal sealed class AuditFilters
{
    private static readonly string[] LocalFormats = ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss"];

    public string? Resource { get; set; }

    public string? Actor { get; set; }

    public string? Action { get; set; }

    /// <summary>One of <see cref="AuditOutcomes"/>; empty for any.</summary>
    public string Outcome { get; set; } = string.Empty;

    /// <summary>One of <see cref="AuditFlags"/>; empty for every record.</summary>
    public string Flag { get; set; } = string.Empty;

    public string? From { get; set; }

    public string? To { get; set; }

    /// <summary>The query of these filters, or why there is none (a time that cannot be read).</summary>
    public bool TryBuild(TimeZoneInfo zone, int limit, out AuditQuery query, out string? error)
    {
        query = new AuditQuery(Trimmed(Resource), Trimmed(Actor), limit)
        {
            Action = Trimmed(Action),
            Outcome = Trimmed(Outcome),
            Flag = Trimmed(Flag),
        };
        if (!TryInstant(From, zone, out var from) || !TryInstant(To, zone, out var to))
        {
            error = "Enter times as date and time, for example 2026-03-01 12:00.";
            return false;
        }

        if (from is not null && to is not null && from >= to)
        {
            error = "The start of the time range must be before its end.";
            return false;
        }

        query = query with { From = from, To = to };
        error = null;
        return true;
    }

    private static string? Trimmed(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static bool TryInstant(string? text, TimeZoneInfo zone, out DateTimeOffset? instant)
    {
        instant = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        if (!DateTime.TryParseExact(text.Trim(), LocalFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            return false;
        }

        try
        {
            instant = new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(local, zone), TimeSpan.Zero);
            return true;
        }
        catch (ArgumentException)
        {
            // A local time skipped by a daylight-saving change names no instant.
            return false;
        }
    }
}
