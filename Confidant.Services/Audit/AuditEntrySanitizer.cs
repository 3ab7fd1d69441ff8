using System.Text;

namespace Confidant.Services.Audit;

/// <summary>
/// Makes an entry safe to hash and store: every string valid UTF-16 (a lone surrogate becomes U+FFFD, so the
/// canonical bytes read back as written) and no longer than a bound (a user agent or detail cannot grow a block
/// past the store's item limit).
/// </summary>
internal static class AuditEntrySanitizer
{
    private const int MaxText = 1024;
    private const int MaxNote = 512;
    private const int MaxItems = 10_000;

    /// <summary>The entry itself when it is clean already (the common case: nothing is copied), else a cleaned copy.</summary>
    public static AuditEntry Clean(AuditEntry entry) => IsClean(entry) ? entry : entry with
    {
        Action = Text(entry.Action, MaxText),
        Outcome = Text(entry.Outcome, MaxText),
        ResourceType = Text(entry.ResourceType, MaxText),
        ResourceId = Text(entry.ResourceId, MaxText),
        Items = entry.Items.Take(MaxItems).Select(i => new AuditItem(Text(i.ResourceType, MaxText), Text(i.Id, MaxText), i.Revision)).ToList(),
        Via = Optional(entry.Via, MaxText),
        Detail = Optional(entry.Detail, MaxNote),
        Actor = new AuditActor(
            Text(entry.Actor.Name, MaxText),
            Text(entry.Actor.Type, MaxText),
            Optional(entry.Actor.Subject, MaxText),
            Optional(entry.Actor.Email, MaxText),
            Optional(entry.Actor.Account, MaxText),
            Text(entry.Actor.AuthMethod, MaxText)),
        Origin = new AuditOrigin(
            Text(entry.Origin.Channel, MaxText),
            Text(entry.Origin.Route, MaxText),
            Optional(entry.Origin.Address, MaxText),
            Optional(entry.Origin.UserAgent, MaxNote),
            Optional(entry.Origin.RequestId, MaxNote)),
    };

    /// <summary>Roughly the entry's canonical size in bytes, to bound a group commit.</summary>
    public static int EstimateSize(AuditEntry entry) =>
        256 + entry.ResourceId.Length + (entry.Items.Count * 24) + entry.Items.Sum(i => i.Id.Length + i.ResourceType.Length)
        + (entry.Origin.UserAgent?.Length ?? 0) + (entry.Detail?.Length ?? 0) + entry.Actor.Name.Length + entry.Origin.Route.Length;

    private static bool IsClean(AuditEntry entry)
    {
        if (entry.Items.Count > MaxItems)
        {
            return false;
        }

        for (var i = 0; i < entry.Items.Count; i++)
        {
            if (!IsClean(entry.Items[i].ResourceType, MaxText) || !IsClean(entry.Items[i].Id, MaxText))
            {
                return false;
            }
        }

        var (actor, origin) = (entry.Actor, entry.Origin);
        return IsClean(entry.Action, MaxText) && IsClean(entry.Outcome, MaxText) && IsClean(entry.ResourceType, MaxText)
            && IsClean(entry.ResourceId, MaxText) && IsClean(entry.Via, MaxText) && IsClean(entry.Detail, MaxNote)
            && IsClean(actor.Name, MaxText) && IsClean(actor.Type, MaxText) && IsClean(actor.Subject, MaxText)
            && IsClean(actor.Email, MaxText) && IsClean(actor.Account, MaxText) && IsClean(actor.AuthMethod, MaxText)
            && IsClean(origin.Channel, MaxText) && IsClean(origin.Route, MaxText) && IsClean(origin.Address, MaxText)
            && IsClean(origin.UserAgent, MaxNote) && IsClean(origin.RequestId, MaxNote);
    }

    // Within the bound and without any surrogate (a valid pair is left alone by Text too, but is rare enough to copy).
    private static bool IsClean(string? value, int max) =>
        value is null || (value.Length <= max && value.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF') < 0);

    private static string? Optional(string? value, int max) => value is null ? null : Text(value, max);

    private static string Text(string value, int max)
    {
        var text = value.Length > max ? value[..max] : value;
        if (text.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF') < 0)
        {
            return text;
        }

        if (char.IsHighSurrogate(text[^1]))
        {
            text = text[..^1];
        }

        // Round-tripping through UTF-8 replaces lone surrogates, exactly as the canonical encoding would.
        return Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(text));
    }
}
