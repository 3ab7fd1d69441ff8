namespace Confidant.Services.Caching;

/// <summary>
/// A thread-safe cache bounded in size (least recently used entry evicted first) and in time (an entry older than
/// the time-to-live is never served). The eviction callback runs for every entry that leaves the cache, whatever
/// the reason, while the cache lock is held: keep it short (for example zeroing key bytes).
/// </summary>
public sealed class BoundedLruCache<TKey, TValue>
    where TKey : notnull
{
    private readonly Lock _lock = new();
    private readonly Dictionary<TKey, LinkedListNode<Entry>> _index;
    private readonly LinkedList<Entry> _order = new();
    private readonly int _maxEntries;
    private readonly TimeSpan _timeToLive;
    private readonly TimeProvider _timeProvider;
    private readonly Action<TKey, TValue>? _onEvicted;

    public BoundedLruCache(
        int maxEntries,
        TimeSpan timeToLive,
        TimeProvider timeProvider,
        Action<TKey, TValue>? onEvicted = null,
        IEqualityComparer<TKey>? comparer = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEntries, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeToLive, TimeSpan.Zero);
        _maxEntries = maxEntries;
        _timeToLive = timeToLive;
        _timeProvider = timeProvider;
        _onEvicted = onEvicted;
        _index = new Dictionary<TKey, LinkedListNode<Entry>>(comparer);
    }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _index.Count;
            }
        }
    }

    public bool TryGet(TKey key, out TValue value)
    {
        lock (_lock)
        {
            if (_index.TryGetValue(key, out var node))
            {
                if (IsExpired(node.Value))
                {
                    RemoveNode(node);
                }
                else
                {
                    _order.Remove(node);
                    _order.AddFirst(node);
                    value = node.Value.Value;
                    return true;
                }
            }

            value = default!;
            return false;
        }
    }

    /// <summary>Adds or replaces an entry (a replaced value goes through the eviction callback).</summary>
    public void Set(TKey key, TValue value)
    {
        lock (_lock)
        {
            if (_index.TryGetValue(key, out var existing))
            {
                RemoveNode(existing);
            }

            _index[key] = _order.AddFirst(new Entry(key, value, _timeProvider.GetUtcNow()));
            while (_order.Last is { } last && (_index.Count > _maxEntries || IsExpired(last.Value)))
            {
                RemoveNode(last);
            }
        }
    }

    public bool Remove(TKey key)
    {
        lock (_lock)
        {
            if (!_index.TryGetValue(key, out var node))
            {
                return false;
            }

            RemoveNode(node);
            return true;
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            while (_order.Last is { } last)
            {
                RemoveNode(last);
            }
        }
    }

    private bool IsExpired(Entry entry) => _timeProvider.GetUtcNow() - entry.Added >= _timeToLive;

    private void RemoveNode(LinkedListNode<Entry> node)
    {
        _order.Remove(node);
        _index.Remove(node.Value.Key);
        _onEvicted?.Invoke(node.Value.Key, node.Value.Value);
    }

    private sealed record Entry(TKey Key, TValue Value, DateTimeOffset Added);
}
