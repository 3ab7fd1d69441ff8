using System.Security.Claims;
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
        Assert.Equal(allowed, AllowedPeople.IsAllowed(email, new AuthOptions { AllowedEmailSuffix = "@example.com" }));

    [Theory]
    [InlineData("bob@example.com", true)]
    [InlineData("carol@example.com", false)]
    public void IsAllowed_UserList_OnlyListedAddresses(string email, bool allowed) =>
        Assert.Equal(allowed, AllowedPeople.IsAllowed(email, new AuthOptions { AllowedUsers = ["alice@example.com", "BOB@example.com"] }));

    [Fact]
    public void IsAllowed_SuffixAndList_BothMustHold()
    {
        var options = new AuthOptions { AllowedEmailSuffix = "@example.com", AllowedUsers = ["alice@example.com", "alice@other.test"] };

        Assert.True(AllowedPeople.IsAllowed("alice@example.com", options));
        Assert.False(AllowedPeople.IsAllowed("alice@other.test", options));
    }

    [Fact]
    public void IsAllowed_NothingConfigured_AllowsAnyone() =>
        Assert.True(AllowedPeople.IsAllowed(null, new AuthOptions()));

    [Fact]
    public void EmailOf_NoEmailClaim_UsesPreferredUsername()
    {
        var principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim("name", "Alice"), new Claim("preferred_username", "Alice@Example.com")]));

        Assert.Equal("alice@example.com", AllowedPeople.EmailOf(principal));
    }

    [Fact]
    public void EmailOf_NoAddressAnywhere_IsNull() =>
        Assert.Null(AllowedPeople.EmailOf(new ClaimsPrincipal(new ClaimsIdentity([new Claim("preferred_username", "alice")]))));
}
