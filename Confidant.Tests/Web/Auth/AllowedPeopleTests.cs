using Confidant.Web.Auth;

namespace Confidant.Tests.Web.Auth;

public sealed class AllowedPeopleTests
{
    [Theory]
    [InlineData("alice@example.com", true)]
    [InlineData("Alice@Example.COM", true)]
    [InlineData("alice@example.com.evil.test", false)]
    [InlineData("alice@other.test", false)]
    [InlineData(null, false)]
    public void IsAllowed_EmailSuffix_OnlyMatchingAddresses(string? email, bool allowed) =>
        // spec §2.5: USER_EMAIL_SUFFIX — the e-mail must end with it.
        Assert.Equal(allowed, AllowedPeople.IsAllowed(email, new AuthOptions { AllowedEmailSuffix = "@example.com" }, []));

    [Theory]
    [InlineData("example.com", "x@evilexample.com", false)]
    [InlineData("@example.com", "x@evilexample.com", false)]
    [InlineData("example.com", "x@example.com", true)]
    [InlineData("@example.com", "X@EXAMPLE.COM", true)]
    [InlineData("example.com", "x@eu.example.com", false)]
    [InlineData("example.com", "x@example.com@evil.test", false)]
    [InlineData("example.com", "example.com", false)]
    public void MatchesSuffix_AnchoredAtTheAt_WholeDomainOnly(string suffix, string email, bool matches) =>
        Assert.Equal(matches, AllowedPeople.MatchesSuffix(email, suffix));

    [Theory]
    [InlineData("example.com", true)]
    [InlineData("@example.com", true)]
    [InlineData(" @example.com ", true)]
    [InlineData("@", false)]
    [InlineData(".example.com", false)]
    [InlineData("admin@example.com", false)]
    [InlineData("exa mple.com", false)]
    public void IsValidSuffix_OnlyADomain(string suffix, bool valid) =>
        Assert.Equal(valid, AllowedPeople.IsValidSuffix(suffix));

    [Theory]
    [InlineData("bob@example.com", true)]
    [InlineData("carol@example.com", false)]
    public void IsAllowed_UserList_OnlyListedAddresses(string email, bool allowed) =>
        Assert.Equal(allowed, AllowedPeople.IsAllowed(email, new AuthOptions(), ["alice@example.com", "bob@example.com"]));

    [Fact]
    public void IsAllowed_SuffixAndList_BothMustHold()
    {
        var options = new AuthOptions { AllowedEmailSuffix = "@example.com" };
        string[] listed = ["alice@example.com", "alice@other.test"];

        Assert.True(AllowedPeople.IsAllowed("alice@example.com", options, listed));
        Assert.False(AllowedPeople.IsAllowed("alice@other.test", options, listed));
    }

    [Fact]
    public void IsAllowed_NothingConfigured_AllowsAnyone() =>
        Assert.True(AllowedPeople.IsAllowed(null, new AuthOptions(), []));
}
