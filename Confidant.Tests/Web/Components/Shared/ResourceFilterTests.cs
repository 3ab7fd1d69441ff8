using System.Diagnostics;
using Confidant.Web.Components.Shared;

// The folder mirrors Confidant.Web/Components/Shared, the Blazor layout (STYLE §2).
#pragma warning disable CA1716
namespace Confidant.Tests.Web.Components.Shared;
#pragma warning restore CA1716

public sealed class ResourceFilterTests
{
    [Theory]
    [InlineData("prod db", "Prod-DB-password", true)]
    [InlineData("db prod", "prod-db-password", true)]
    [InlineData("prod db", "prod-cache", false)]
    [InlineData("  ", "anything", true)]
    public void Matches_Words_EveryWordMustOccurIgnoringCase(string text, string name, bool expected) =>
        Assert.Equal(expected, ResourceFilter.Parse(text).Matches(name));

    [Theory]
    [InlineData("/^prod-/", "PROD-db", true)]
    [InlineData("/^prod-/", "staging-prod-db", false)]
    [InlineData("/db$|cache$/", "staging-cache", true)]
    public void Matches_SlashDelimited_UsesRegex(string text, string name, bool expected)
    {
        var filter = ResourceFilter.Parse(text);

        Assert.Null(filter.Error);
        Assert.Equal(expected, filter.Matches(name));
    }

    [Fact]
    public void Parse_SlashesAsWords_AreNotARegexWhenUnbalanced() =>
        Assert.True(ResourceFilter.Parse("/prod").Matches("x/prod"));

    [Fact]
    public void Parse_InvalidRegex_ReportsErrorAndFiltersNothing()
    {
        var filter = ResourceFilter.Parse("/prod(/");

        Assert.NotNull(filter.Error);
        Assert.StartsWith("Invalid regular expression", filter.Error, StringComparison.Ordinal);
        Assert.True(filter.Matches("anything"));
    }

    [Fact]
    public void Matches_CatastrophicPattern_TimesOutAsNoMatch()
    {
        var filter = ResourceFilter.Parse("/^(a+)+$/");

        Assert.False(filter.Matches(new string('a', 40) + "!"));
    }

    [Fact]
    public void Matches_CatastrophicPatternOverManyNames_WholePassStaysFast()
    {
        // A backtracking engine with a per-name timeout spent 50 ms on each of these names: seconds per keystroke.
        var filter = ResourceFilter.Parse("/^(a+)+$/");
        var names = Enumerable.Range(0, 200).Select(i => new string('a', 30 + (i % 7)) + "!").ToList();

        var watch = Stopwatch.StartNew();
        var matched = filter.Apply(names, n => n);
        watch.Stop();

        Assert.Empty(matched);
        Assert.Null(filter.Error);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"the filter pass took {watch.Elapsed.TotalMilliseconds} ms");
    }

    [Fact]
    public void Apply_PassOutlastsItsBudget_StopsAndSaysHowFarItGot()
    {
        // Every reading of the clock moves it 100 ms; the clock starts after the first name, so the fourth name is
        // past the 250 ms budget.
        var clock = new SteppingClock(TimeSpan.FromMilliseconds(100));
        var filter = ResourceFilter.Parse("/db/");
        string[] names = ["db-1", "cache", "db-2", "db-3", "db-4", "db-5"];

        var matched = filter.Apply(names, n => n, clock);

        Assert.Equal(["db-1", "db-2"], matched);
        Assert.Equal("The filter took too long and stopped after 3 of 6 names; simplify the pattern.", filter.Error);
    }

    [Fact]
    public void Apply_NextPassWithinBudget_ClearsTheMessage()
    {
        var filter = ResourceFilter.Parse("/db/");
        filter.Apply(["db-1", "db-2"], n => n, new SteppingClock(TimeSpan.FromSeconds(1)));

        var matched = filter.Apply(["db-1", "cache"], n => n);

        Assert.Equal(["db-1"], matched);
        Assert.Null(filter.Error);
    }

    [Theory]
    [InlineData("/(a)\\1/")]
    [InlineData("/(?=a)b/")]
    [InlineData("/(?>a+)b/")]
    public void Parse_ConstructNeedingBacktracking_ReportedAndFiltersNothing(string text)
    {
        var filter = ResourceFilter.Parse(text);

        Assert.StartsWith("Unsupported regular expression", filter.Error, StringComparison.Ordinal);
        Assert.Equal(["x", "y"], filter.Apply(["x", "y"], n => n));
    }

    [Fact]
    public void Parse_OverlongPattern_Refused()
    {
        var filter = ResourceFilter.Parse("/" + new string('a', ResourceFilter.MaxPatternLength + 1) + "/");

        Assert.Equal($"A regular expression may have at most {ResourceFilter.MaxPatternLength} characters.", filter.Error);
    }

    /// <summary>A clock that moves by a fixed step each time it is read.</summary>
    private sealed class SteppingClock(TimeSpan step) : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Add(ref _ticks, step.Ticks);
    }
}
