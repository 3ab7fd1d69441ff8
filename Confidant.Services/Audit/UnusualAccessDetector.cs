using Confidant.Services.Caching;

namespace Confidant.Services.Audit;

/// <summary>
/// Flags deliveries before they are hashed into the chain: <c>first_access</c> when the actor never received one of
/// the resources before (the access summary, with a cache of the pairs already seen), <c>rate</c> when the actor's
/// deliveries in the last minute exceed the threshold. Rates are per process: with several instances each counts its own.
/// </summary>
internal sealed class UnusualAccessDetector(IAuditStore store, int rateThreshold, TimeProvider time)
{
    private const int KnownPairs = 100_000;
    private const int RatePrincipals = 100_000;

    private readonly BoundedLruCache<AuditAccessKey, bool> _known = new(KnownPairs, TimeSpan.FromDays(1), time);
    private readonly BoundedLruCache<(string Type, string Name, string? Account), RateWindow> _rates =
        new(RatePrincipals, TimeSpan.FromMinutes(5), time);

    /// <summary>The flags of each entry, in order, and the pairs first delivered by them (to <see cref="Accept"/> once stored).</summary>
    public async Task<(string[][] Flags, IReadOnlyList<AuditAccessKey> FirstDelivered)> FlagAsync(
        IReadOnlyList<AuditEntry> entries,
        CancellationToken cancellationToken)
    {
        var candidates = entries.Where(AuditAccessKey.Counts)
            .SelectMany(e => AuditAccessKey.Of(e).Select(d => d.Key))
            .Where(key => !_known.TryGet(key, out _))
            .ToHashSet();
        var delivered = candidates.Count == 0 ? new HashSet<AuditAccessKey>() : await store.FindDeliveredAsync(candidates, cancellationToken);
        foreach (var key in delivered)
        {
            _known.Set(key, true);
        }

        candidates.ExceptWith(delivered);
        var firsts = new List<AuditAccessKey>();
        var now = time.GetUtcNow();
        var flags = new string[entries.Count][];
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            if (!AuditAccessKey.Counts(entry))
            {
                flags[i] = [];
                continue;
            }

            var entryFlags = new List<string>(2);
            var newPairs = AuditAccessKey.Of(entry).Select(d => d.Key).Where(candidates.Remove).ToList();
            if (newPairs.Count > 0)
            {
                entryFlags.Add(AuditFlags.FirstAccess);
                firsts.AddRange(newPairs);
            }

            if (rateThreshold > 0 && CountDelivery(entry.Actor, now) > rateThreshold)
            {
                entryFlags.Add(AuditFlags.Rate);
            }

            flags[i] = [.. entryFlags];
        }

        return (flags, firsts);
    }

    /// <summary>Remembers pairs whose first delivery is now stored, so that the next one is not flagged again.</summary>
    public void Accept(IEnumerable<AuditAccessKey> firstDelivered)
    {
        foreach (var key in firstDelivered)
        {
            _known.Set(key, true);
        }
    }

    private double CountDelivery(AuditActor actor, DateTimeOffset now)
    {
        var key = (actor.Type, actor.Name, actor.Account);
        if (!_rates.TryGet(key, out var window))
        {
            window = new RateWindow();
            _rates.Set(key, window);
        }

        return window.Add(now);
    }

    // Two one-minute buckets: the estimate of the last 60 s is the current bucket plus the share of the previous one
    // that still falls inside the window (the usual sliding-window counter, constant memory per principal).
    private sealed class RateWindow
    {
        private readonly Lock _lock = new();
        private long _minute;
        private long _current;
        private long _previous;

        public double Add(DateTimeOffset now)
        {
            var minute = now.ToUnixTimeSeconds() / 60;
            lock (_lock)
            {
                if (minute != _minute)
                {
                    _previous = minute == _minute + 1 ? _current : 0;
                    _current = 0;
                    _minute = minute;
                }

                _current++;
                var elapsed = (now.ToUnixTimeMilliseconds() % 60_000) / 60_000.0;
                return _current + (_previous * (1 - elapsed));
            }
        }
    }
}
