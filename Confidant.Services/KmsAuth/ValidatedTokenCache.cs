namespace Confidant.Services.KmsAuth;

/// <summary>A bounded least-recently-used map of token-hash → validated token (spec §2.3 step 7).</summary>
internal sealed class ValidatedTokenCache(int capacity)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, LinkedListNode<(string Key, ValidatedToken Value)>> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Key, ValidatedToken Value)> _order = new();

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    public bool TryGet(string key, out ValidatedToken value)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(key, out var node))
            {
                _order.Remove(node);
                _order.AddFirst(node);
                value = node.Value.Value;
                return true;
            }
        }

        value = null!;
        return false;
    }

    public void Set(string key, ValidatedToken value)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue(key, out var existing))
            {
                _order.Remove(existing);
            }

            var node = _order.AddFirst((key, value));
            _entries[key] = node;
            while (_entries.Count > capacity)
            {
                var last = _order.Last!;
                _order.RemoveLast();
                _entries.Remove(last.Value.Key);
            }
        }
    }
}
