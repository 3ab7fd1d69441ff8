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
}
