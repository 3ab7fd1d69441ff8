using System.Text;
using Microsoft.Extensions.Options;

namespace Confidant.Services.Notifications.Owners;

/// <summary>
/// The text of an owners' message: the configured template (<c>Notifications:OwnerMessage</c>) or the admin's edit of
/// it, with <c>{incident}</c>, <c>{reason}</c> and <c>{resources}</c> filled in. Plain text only.
/// </summary>
public sealed class OwnerMessage(IOptions<NotificationsOptions> options)
{
    public const int MaxSubjectLength = 200;
    public const int MaxBodyLength = 20_000;

    /// <summary>The default subject and body for <paramref name="incident"/>, filled in.</summary>
    public (string Subject, string Body) Default(IncidentNotice incident) =>
        (Fill(options.Value.OwnerMessage.Subject, incident), Fill(options.Value.OwnerMessage.Body, incident));

    /// <summary>Fills the placeholders of <paramref name="template"/>; other braces are left as they are.</summary>
    public static string Fill(string template, IncidentNotice incident) => template
        .Replace("{incident}", incident.Reference, StringComparison.Ordinal)
        .Replace("{reason}", incident.Reason, StringComparison.Ordinal)
        .Replace("{resources}", ResourceLines(incident), StringComparison.Ordinal);

    private static string ResourceLines(IncidentNotice incident)
    {
        var text = new StringBuilder();
        foreach (var resource in incident.Resources)
        {
            text.Append("- ").Append(resource.Type.Replace('_', ' ')).Append(' ').Append(resource.Name)
                .Append(" (").Append(resource.Id).Append("): ")
                .Append(resource.Keys.Count == 0 ? "every key" : string.Join(", ", resource.Keys));
            if (resource.Services.Count > 0)
            {
                text.Append("; used by ").Append(string.Join(", ", resource.Services));
            }

            text.Append('\n');
        }

        return text.ToString().TrimEnd('\n');
    }
}
