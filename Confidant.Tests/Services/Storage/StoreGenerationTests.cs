using Confidant.Services.Storage;

namespace Confidant.Tests.Services.Storage;

public sealed class StoreGenerationTests
{
    [Fact]
    public void TouchedSince_ChangesEachTouchingOneItem_NamesEachItemOnce()
    {
        var generation = new StoreGeneration();
        generation.AdvanceTouching("a");
        var from = generation.Current;
        generation.AdvanceTouching("b");
        generation.AdvanceTouching("c");
        generation.AdvanceTouching("b");

        Assert.True(generation.TryTouchedSince(from, generation.Current, out var touched));
        Assert.Equal(["b", "c"], touched.Order(StringComparer.Ordinal));
        Assert.True(generation.TryTouchedSince(generation.Current, generation.Current, out var none));
        Assert.Empty(none);
    }

    [Fact]
    public void TouchedSince_AChangeOfUnknownReach_CannotBeNarrowedDown()
    {
        var generation = new StoreGeneration();
        var from = generation.Current;
        generation.AdvanceTouching("a");
        generation.Advance();
        generation.AdvanceTouching("b");
        var afterOwn = generation.Current;
        generation.AdvanceFromElsewhere();

        Assert.False(generation.TryTouchedSince(from, afterOwn, out _));
        Assert.True(generation.TryTouchedSince(afterOwn - 1, afterOwn, out var last));
        Assert.Equal(["b"], last);
        Assert.False(generation.TryTouchedSince(afterOwn, generation.Current, out _));
    }

    [Fact]
    public void TouchedSince_ReaderFurtherBehindThanWhatIsRemembered_CannotBeNarrowedDown()
    {
        var generation = new StoreGeneration();
        var from = generation.Current;
        for (var i = 0; i < 1025; i++)
        {
            generation.AdvanceTouching("a");
        }

        Assert.False(generation.TryTouchedSince(from, generation.Current, out _));
        Assert.True(generation.TryTouchedSince(from + 1, generation.Current, out var touched));
        Assert.Equal(["a"], touched);
    }
}
