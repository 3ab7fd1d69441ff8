using System.Text.RegularExpressions;
using Confidant.Services.Errors;

namespace Confidant.Services.Exposure;

/// <summary>
/// What a person gives to mark something exposed: why, the incident it belongs to, and optionally the one revision
/// exposed (null: every revision up to the current one).
/// </summary>
public sealed partial record ExposureInput(string? Reason, string? Incident, int? Revision = null)
{
    public const int MaxReasonLength = 1000;

    /// <summary>What an incident reference may be: it names a page and a route, so nothing that needs escaping.</summary>
    public const string IncidentRule = "incident must be 1 to 64 letters, digits, '.', '_', ':' or '-', starting with a letter or digit";

    /// <summary>The reason and incident as stored; a 400 naming the field when either is unusable.</summary>
    public (string Reason, string Incident) Validate()
    {
        var reason = Reason?.Trim();
        if (string.IsNullOrEmpty(reason))
        {
            throw ConfidantException.BadRequest("reason is a required field");
        }

        if (reason.Length > MaxReasonLength)
        {
            throw ConfidantException.BadRequest($"reason must be at most {MaxReasonLength} characters");
        }

        if (reason.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')))
        {
            throw ConfidantException.BadRequest("reason must not contain control characters");
        }

        var incident = Incident?.Trim();
        if (string.IsNullOrEmpty(incident))
        {
            throw ConfidantException.BadRequest("incident is a required field");
        }

        if (!IncidentPattern().IsMatch(incident))
        {
            throw ConfidantException.BadRequest(IncidentRule);
        }

        if (Revision is < 1)
        {
            throw ConfidantException.BadRequest("revision must be a positive integer");
        }

        return (reason, incident);
    }

    public static bool IsIncident(string? text) => text is not null && IncidentPattern().IsMatch(text);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex IncidentPattern();
}
