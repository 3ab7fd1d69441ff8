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

    [Fact]
    public void TakeUnannounced_NewRevisionsSinceTheLastAnnouncement_NamesTheirItemsAndAFailedOneIsTakenAgain()
    {
        var generation = new StoreGeneration();
        generation.AdvanceTouching("a");
        var first = generation.TakeUnannounced();
        generation.AdvanceTouching("b");
        generation.AdvanceTouching("c");
        var failed = generation.TakeUnannounced();
        generation.Unannounce(failed);
        generation.AdvanceTouching("d");
        var retried = generation.TakeUnannounced();
        generation.AdvanceForgettingDataKeys();
        var archive = generation.TakeUnannounced();

        Assert.Equal((true, false), (first.Changed, first.ForgetDataKeys));
        Assert.Equal(["a"], first.Touched!);
        Assert.Equal(["b", "c", "d"], retried.Touched!.Order(StringComparer.Ordinal));
        Assert.Equal((true, true, null), (archive.Changed, archive.ForgetDataKeys, archive.Touched));
        Assert.False(generation.TakeUnannounced().Changed);
    }
}
