using System.Globalization;
using Confidant.Services.Errors;
using Confidant.Services.Notifications.Deliveries;
using Microsoft.Extensions.Primitives;

namespace Confidant.Web.Api.Binding;

/// <summary>
/// The filters of GET /v1/notifications/deliveries: <c>channel</c>, <c>endpoint</c>, <c>event_id</c>, <c>outcome</c>,
/// <c>limit</c> (1..1000, default 100) and <c>page</c>. A value that cannot be used is a 400 naming the parameter,
/// as for the audit trail: a filter silently dropped would show more than was asked for.
/// </summary>
public static class DeliveryQueryParameters
{
    public static DeliveryQuery Parse(IQueryCollection query)
    {
        var channel = OneOf(query, "channel", DeliveryChannels.All);
        var outcome = OneOf(query, "outcome", DeliveryOutcomes.All);
        var limit = DeliveryQuery.DefaultLimit;
        if (Text(query, "limit") is { } text
            && !(int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out limit) && limit is >= 1 and <= DeliveryQuery.MaxLimit))
        {
            throw ConfidantException.BadRequest($"limit must be a whole number from 1 to {DeliveryQuery.MaxLimit}.");
        }

        return new DeliveryQuery(channel, Text(query, "endpoint"), Text(query, "event_id"), outcome, limit, Text(query, "page"));
    }

    private static string? OneOf(IQueryCollection query, string name, IReadOnlyList<string> allowed)
    {
        var value = Text(query, name);
        return value is null || allowed.Contains(value, StringComparer.Ordinal)
            ? value
            : throw ConfidantException.BadRequest($"{name} must be one of {string.Join(", ", allowed)}.");
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
}
