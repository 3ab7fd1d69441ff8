using Confidant.Services.Caching;

namespace Confidant.Services.Audit;

/// <summary>
/// Flags deliveries before they are hashed into the chain: <c>first_access</c> when the actor never received one of
/// the resources before (the access summary, with the pairs already seen kept in memory), <c>rate</c> when the
/// actor's deliveries in the last minute exceed the threshold. Rates are per process: with several instances each
/// counts its own. Used by the ledger's single writer: a pair seen before costs a set look-up, and only pairs this
/// process has not seen yet are looked up in the store.
/// </summary>
internal sealed class UnusualAccessDetector(IAuditStore store, int rateThreshold, TimeProvider time)
{
    // Pairs remembered per generation; two generations are kept, so the ones in use survive a turnover.
    private const int KnownPairs = 100_000;
    private const int RatePrincipals = 100_000;

    private readonly BoundedLruCache<(string Type, string Name, string? Account), RateWindow> _rates =
        new(RatePrincipals, TimeSpan.FromMinutes(5), time);

    private HashSet<Pair> _known = [];
    private HashSet<Pair> _older = [];

    /// <summary>The flags of each entry, in order, and the pairs first delivered by them (to <see cref="Accept"/> once stored).</summary>
    public async Task<(string[][] Flags, IReadOnlyList<AuditAccessKey> FirstDelivered)> FlagAsync(
        IReadOnlyList<AuditEntry> entries,
        CancellationToken cancellationToken)
    {
        var candidates = Unknown(entries);
        if (candidates.Count > 0)
        {
            foreach (var key in await store.FindDeliveredAsync(candidates, cancellationToken))
            {
                Remember(Pair.Of(key));
                candidates.Remove(key);
            }
        }

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

            var first = false;
            if (candidates.Count > 0)
            {
                // The first entry of the batch that delivers a new pair carries the flag; the pair is then known.
                foreach (var key in AuditAccessKey.Of(entry).Select(d => d.Key).Where(candidates.Remove))
                {
                    first = true;
                    firsts.Add(key);
                }
            }

            var rate = rateThreshold > 0 && CountDelivery(entry.Actor, now) > rateThreshold;
            flags[i] = (first, rate) switch
            {
                (true, true) => [AuditFlags.FirstAccess, AuditFlags.Rate],
                (true, false) => [AuditFlags.FirstAccess],
                (false, true) => [AuditFlags.Rate],
                _ => [],
            };
        }

        return (flags, firsts);
    }

    /// <summary>Remembers pairs whose first delivery is now stored, so that the next one is not flagged again.</summary>
    public void Accept(IEnumerable<AuditAccessKey> firstDelivered)
    {
        foreach (var key in firstDelivered)
        {
            Remember(Pair.Of(key));
        }
    }

    // The delivered pairs of counted entries that this process does not know to have been delivered before.
    private HashSet<AuditAccessKey> Unknown(IReadOnlyList<AuditEntry> entries)
    {
        var unknown = new HashSet<AuditAccessKey>();
        foreach (var entry in entries)
        {
            if (!AuditAccessKey.Counts(entry))
            {
                continue;
            }

            var actor = entry.Actor;
            if (entry.Items.Count == 0)
            {
                AddIfUnknown(unknown, entry.ResourceType, entry.ResourceId, actor);
                continue;
            }

            for (var i = 0; i < entry.Items.Count; i++)
            {
                AddIfUnknown(unknown, entry.Items[i].ResourceType, entry.Items[i].Id, actor);
            }
        }

        return unknown;
    }

    private void AddIfUnknown(HashSet<AuditAccessKey> unknown, string resourceType, string resourceId, AuditActor actor)
    {
        var pair = new Pair(resourceType, resourceId, actor.Type, actor.Name, actor.Account);
        if (_known.Contains(pair))
        {
            return;
        }

        if (_older.Contains(pair))
        {
            Remember(pair);
            return;
        }

        unknown.Add(new AuditAccessKey(resourceType, resourceId, actor.Type, actor.Name, actor.Account));
    }

    private void Remember(Pair pair)
    {
        if (_known.Count >= KnownPairs)
        {
            (_older, _known) = (_known, []);
        }

        _known.Add(pair);
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

    // A (resource, principal) pair as a value: looking one up allocates nothing.
    private readonly record struct Pair(string ResourceType, string ResourceId, string ActorType, string ActorName, string? Account)
    {
        public static Pair Of(AuditAccessKey key) => new(key.ResourceType, key.ResourceId, key.ActorType, key.ActorName, key.Account);
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
