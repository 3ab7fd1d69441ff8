using Confidant.Services.Audit;

namespace Confidant.Services.Notifications.UnusualAccess;

/// <summary>
/// Keeps a flood of flags from becoming a flood of messages: per principal, the first <c>MessagesPerWindow</c> flagged
/// deliveries of a window go out one by one, the rest are counted into one summary sent when the window ends. Windows
/// start at a principal's first flag. Memory is bounded: past <see cref="MaxPrincipals"/> principals with an open
/// window, newcomers share one window (<see cref="UnusualAccessPrincipal.Others"/>). Not thread-safe.
/// </summary>
internal sealed class UnusualAccessThrottle(int messagesPerWindow, TimeSpan window)
{
    public const int MaxPrincipals = 10_000;
    private const int SampleResources = 20;

    private readonly Dictionary<UnusualAccessPrincipal, Window> _open = [];
    private readonly List<UnusualAccessSummary> _due = [];

    /// <summary>True when <paramref name="record"/> is to be sent on its own; false when it was counted for a summary.</summary>
    public bool Admit(AuditRecord record, DateTimeOffset now)
    {
        var principal = UnusualAccessPrincipal.Of(record.Entry.Actor);
        if (!_open.ContainsKey(principal) && _open.Count >= MaxPrincipals)
        {
            principal = UnusualAccessPrincipal.Others;
        }

        if (_open.TryGetValue(principal, out var current) && now >= current.Start + window)
        {
            Close(principal, current);
            current = null;
        }

        if (current is null)
        {
            current = new Window(now);
            _open[principal] = current;
        }

        if (current.Sent < messagesPerWindow)
        {
            current.Sent++;
            return true;
        }

        current.Count(record);
        return false;
    }

    /// <summary>The summaries of the windows that have ended by <paramref name="now"/>, once each.</summary>
    public IReadOnlyList<UnusualAccessSummary> TakeDue(DateTimeOffset now)
    {
        foreach (var (principal, ended) in _open.Where(w => now >= w.Value.Start + window).ToList())
        {
            Close(principal, ended);
        }

        var due = _due.ToList();
        _due.Clear();
        return due;
    }

    private void Close(UnusualAccessPrincipal principal, Window ended)
    {
        _open.Remove(principal);
        if (ended.Suppressed > 0)
        {
            _due.Add(new UnusualAccessSummary(
                principal,
                ended.Suppressed,
                ended.ByFlag.OrderBy(f => f.Key, StringComparer.Ordinal).ToDictionary(),
                [.. ended.Resources],
                ended.First,
                ended.Last));
        }
    }

    private sealed class Window(DateTimeOffset start)
    {
        public DateTimeOffset Start { get; } = start;

        public int Sent { get; set; }

        public int Suppressed { get; private set; }

        public Dictionary<string, int> ByFlag { get; } = new(StringComparer.Ordinal);

        public List<AuditItem> Resources { get; } = [];

        public DateTimeOffset First { get; private set; }

        public DateTimeOffset Last { get; private set; }

        public void Count(AuditRecord record)
        {
            First = Suppressed == 0 ? record.Time : First;
            Last = record.Time;
            Suppressed++;
            foreach (var flag in record.Flags)
            {
                ByFlag[flag] = ByFlag.GetValueOrDefault(flag) + 1;
            }

            foreach (var item in record.Entry.Delivered().Where(i => !Resources.Contains(i)).Take(SampleResources - Resources.Count))
            {
                Resources.Add(item);
            }
        }
    }
}

/// <summary>Who received the flagged deliveries: a person or workload, with its account.</summary>
public readonly record struct UnusualAccessPrincipal(string Type, string Name, string? Account)
{
    /// <summary>The shared window of principals beyond the throttle's bound.</summary>
    public static UnusualAccessPrincipal Others { get; } = new("others", "other principals", null);

    public static UnusualAccessPrincipal Of(AuditActor actor) => new(actor.Type, actor.Name, actor.Account);

    public override string ToString() => Account is null ? $"{Name} ({Type})" : $"{Name} ({Type}, account {Account})";
}

/// <summary>The flagged deliveries to one principal held back in one window: how many, by flag, some of the resources, when.</summary>
public sealed record UnusualAccessSummary(
    UnusualAccessPrincipal Principal,
    int Count,
    IReadOnlyDictionary<string, int> ByFlag,
    IReadOnlyList<AuditItem> Resources,
    DateTimeOffset First,
    DateTimeOffset Last);
