using Confidant.Services.Caching;
using Microsoft.Extensions.Time.Testing;

namespace Confidant.Tests.Services.Caching;

public sealed class BoundedLruCacheTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly List<string> _evicted = [];

    [Fact]
    public void Set_BeyondMaxEntries_EvictsLeastRecentlyUsedAndCallsBack()
    {
        var cache = Cache(maxEntries: 2);
        cache.Set("a", 1);
        cache.Set("b", 2);
        Assert.True(cache.TryGet("a", out _));

        cache.Set("c", 3);

        Assert.Equal(["b"], _evicted);
        Assert.False(cache.TryGet("b", out _));
        Assert.True(cache.TryGet("a", out var a));
        Assert.Equal(1, a);
        Assert.Equal(2, cache.Count);
    }

    [Fact]
    public void TryGet_EntryOlderThanTtl_MissesAndCallsBack()
    {
        var cache = Cache(maxEntries: 4);
        cache.Set("a", 1);

        _time.Advance(TimeSpan.FromSeconds(10));

        Assert.False(cache.TryGet("a", out _));
        Assert.Equal(["a"], _evicted);
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void Set_ExistingKey_ReplacesValueAndReleasesOldOne()
    {
        var cache = Cache(maxEntries: 4);
        cache.Set("a", 1);

        cache.Set("a", 2);

        Assert.True(cache.TryGet("a", out var value));
        Assert.Equal(2, value);
        Assert.Equal(["a"], _evicted);
    }

    [Fact]
    public void Clear_WithEntries_ReleasesEveryEntry()
    {
        var cache = Cache(maxEntries: 4);
        cache.Set("a", 1);
        cache.Set("b", 2);

        cache.Clear();

        Assert.Equal(0, cache.Count);
        Assert.Equal(["a", "b"], _evicted.Order(StringComparer.Ordinal));
    }

    private BoundedLruCache<string, int> Cache(int maxEntries) =>
        new(maxEntries, TimeSpan.FromSeconds(10), _time, (key, _) => _evicted.Add(key));
}
