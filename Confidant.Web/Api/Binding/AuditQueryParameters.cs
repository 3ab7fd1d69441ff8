using System.Globalization;
using Confidant.Services.Audit;
using Confidant.Services.Errors;
using Microsoft.Extensions.Primitives;

namespace Confidant.Web.Api.Binding;

/// <summary>
/// The filters of GET /v1/audit and of the audit export, from the query string: <c>resource_id</c>, <c>actor</c>,
/// <c>action</c>, <c>outcome</c>, <c>flag</c>, <c>from</c> and <c>to</c> (ISO-8601 with an offset or <c>Z</c>;
/// <c>from</c> inclusive, <c>to</c> exclusive), <c>limit</c> (1..1000) and <c>page</c>. Unlike the original's lenient
/// parameters (spec §1.1), a value that cannot be used is a 400 naming the parameter: a filter silently dropped would
/// show an investigator more than they asked for and let them believe it was less.
/// </summary>
public static class AuditQueryParameters
{
    public const int DefaultLimit = 100;

    private static readonly string[] Outcomes = [AuditOutcomes.Delivered, AuditOutcomes.Succeeded, AuditOutcomes.Denied, AuditOutcomes.Failed];
    private static readonly string[] Flags = [AuditFlags.FirstAccess, AuditFlags.Rate];

    public static AuditQuery Parse(IQueryCollection query)
    {
        var outcome = Text(query, "outcome");
        if (outcome is not null && !Outcomes.Contains(outcome, StringComparer.Ordinal))
        {
            throw ConfidantException.BadRequest($"outcome must be one of {string.Join(", ", Outcomes)}.");
        }

        var flag = Text(query, "flag");
        if (flag is not null && !Flags.Contains(flag, StringComparer.Ordinal))
        {
            throw ConfidantException.BadRequest($"flag must be one of {string.Join(", ", Flags)}.");
        }

        return new AuditQuery(Text(query, "resource_id"), Text(query, "actor"), Limit(query), Text(query, "page"))
        {
            Action = Text(query, "action"),
            Outcome = outcome,
            Flag = flag,
            From = Time(query, "from"),
            To = Time(query, "to"),
        };
    }

    /// <summary>A parameter's value; absent or empty is no filter, given twice is a 400.</summary>
    private static string? Text(IQueryCollection query, string name)
    {
        var values = query.TryGetValue(name, out var given) ? given : StringValues.Empty;
        if (values.Count > 1)
        {
            throw ConfidantException.BadRequest($"{name} may be given once.");
        }

        return values.Count == 1 && !string.IsNullOrEmpty(values[0]) ? values[0] : null;
    }

    private static int Limit(IQueryCollection query)
    {
        if (Text(query, "limit") is not { } text)
        {
            return DefaultLimit;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) && limit is >= 1 and <= AuditQuery.MaxLimit
            ? limit
            : throw ConfidantException.BadRequest($"limit must be a whole number from 1 to {AuditQuery.MaxLimit}.");
    }

    private static DateTimeOffset? Time(IQueryCollection query, string name)
    {
        if (Text(query, name) is not { } text)
        {
            return null;
        }

        // An offset is required: a bare local time means different instants to the caller and to the server.
        var hasOffset = text.EndsWith('Z') || text.EndsWith('z') || (text.Length > 6 && text[^6] is '+' or '-' && text[^3] == ':');
        return hasOffset && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var time)
            ? time.ToUniversalTime()
            : throw ConfidantException.BadRequest($"{name} must be an ISO-8601 time with an offset, for example 2026-03-01T12:00:00Z.");
    }
}
