using System.Globalization;
using System.Text;
using System.Text.Json;
using Confidant.Services.Audit;
using Confidant.Services.Authorization;
using Confidant.Services.Events;

namespace Confidant.Services.Notifications.UnusualAccess;

/// <summary>
/// What is sent for unusual access: the webhook event <c>unusual_access</c> and the e-mail to the security contacts, for
/// one flagged record or for the summary of those held back. Names, ids, flags and times; never values.
/// </summary>
internal static class UnusualAccessMessages
{
    public static ConfidantEvent Event(string id, AuditRecord record)
    {
        var entry = record.Entry;
        var principal = UnusualAccessPrincipal.Of(entry.Actor);
        var delivered = entry.Delivered().ToList();
        var details = JsonSerializer.SerializeToElement(new
        {
            summary = false,
            principal = Principal(principal),
            flags = record.Flags,
            count = 1,
            action = entry.Action,
            resource_type = entry.ResourceType,
            resource_id = entry.ResourceId,
            chain_id = record.ChainId,
            sequence = record.Sequence,
        });
        var services = delivered.Where(i => i.ResourceType == AclResources.Service).Select(i => i.Id)
            .Concat(entry.ResourceType == AclResources.Service ? [entry.ResourceId] : [])
            .Concat(entry.Via is { } via ? [via] : [])
            .Distinct(StringComparer.Ordinal)
            .ToList();
        return new ConfidantEvent(id, EventTypes.UnusualAccess, record.Time, entry.Actor.Name, services, Secrets(delivered), details);
    }

    public static ConfidantEvent SummaryEvent(string id, UnusualAccessSummary summary)
    {
        var details = JsonSerializer.SerializeToElement(new
        {
            summary = true,
            principal = Principal(summary.Principal),
            flags = summary.ByFlag.Keys,
            count = summary.Count,
            by_flag = summary.ByFlag,
            first = summary.First.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
            last = summary.Last.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
        });
        return new ConfidantEvent(id, EventTypes.UnusualAccess, summary.Last, summary.Principal.Name, [], Secrets(summary.Resources), details);
    }

    public static (string Subject, string Body) Email(AuditRecord record)
    {
        var entry = record.Entry;
        var body = new StringBuilder()
            .AppendLine("The audit trail flagged a delivery of secrets as unusual.")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"Who:       {UnusualAccessPrincipal.Of(entry.Actor)}")
            .AppendLine(CultureInfo.InvariantCulture, $"What:      {entry.Action} of {entry.ResourceType} {entry.ResourceId}")
            .AppendLine(CultureInfo.InvariantCulture, $"Delivered: {Describe(entry.Delivered())}")
            .AppendLine(CultureInfo.InvariantCulture, $"Flags:     {string.Join(", ", record.Flags.Select(Explain))}")
            .AppendLine(CultureInfo.InvariantCulture, $"When:      {Time(record.Time)}")
            .AppendLine(CultureInfo.InvariantCulture, $"Record:    chain {record.ChainId}, sequence {record.Sequence}")
            .AppendLine()
            .AppendLine("If this was not expected, mark the secrets exposed and rotate them.");
        return ($"Confidant: unusual access ({string.Join(", ", record.Flags)}) by {entry.Actor.Name}", body.ToString());
    }

    public static (string Subject, string Body) SummaryEmail(UnusualAccessSummary summary)
    {
        var body = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"{summary.Count} more deliveries to {summary.Principal} were flagged unusual between {Time(summary.First)} and {Time(summary.Last)}.")
            .AppendLine("They were held back from single messages so that a flood does not become one.")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"By flag:   {string.Join(", ", summary.ByFlag.Select(f => $"{Explain(f.Key)}: {f.Value}"))}")
            .AppendLine(CultureInfo.InvariantCulture, $"Among them: {Describe(summary.Resources)}")
            .AppendLine()
            .AppendLine("The audit page lists every one of them (filter by the actor and the flag).");
        return ($"Confidant: {summary.Count} more unusual deliveries to {summary.Principal.Name}", body.ToString());
    }

    private static object Principal(UnusualAccessPrincipal principal) => new { name = principal.Name, type = principal.Type, account = principal.Account };

    private static List<string> Secrets(IEnumerable<AuditItem> items) =>
        items.Where(i => i.ResourceType is AclResources.Credential or AclResources.BlindCredential).Select(i => i.Id).Distinct(StringComparer.Ordinal).ToList();

    private static string Describe(IEnumerable<AuditItem> items) => string.Join(", ", items.Select(i =>
        i.Revision is { } revision ? $"{i.ResourceType} {i.Id} (revision {revision.ToString(CultureInfo.InvariantCulture)})" : $"{i.ResourceType} {i.Id}"));

    private static string Explain(string flag) => flag switch
    {
        AuditFlags.FirstAccess => "first_access (never received before)",
        AuditFlags.Rate => "rate (over the per-minute threshold)",
        _ => flag,
    };

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
}
