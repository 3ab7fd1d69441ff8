using Confidant.Services.Audit;
using Confidant.Services.Authorization;
using Confidant.Web.Auth.Origins;

namespace Confidant.Tests.Web.Auth.Origins;

public sealed class CallerOriginsTests
{
    [Theory]
    [InlineData("curl/8.5.0", "curl/8.5.0")]
    [InlineData("evil\r\nX-Injected: 1", "evil??X-Injected: 1")]
    [InlineData("tab\there\u007f", "tab?here?")]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void UserAgent_ControlCharactersReplaced(string? sent, string? kept) =>
        Assert.Equal(kept, CallerOrigins.UserAgent(sent));

    [Fact]
    public void UserAgent_Long_CutToTheBound()
    {
        var kept = CallerOrigins.UserAgent(new string('a', 5000));

        Assert.Equal(CallerOrigins.MaxUserAgentLength, kept!.Length);
    }

    [Fact]
    public void ForCommand_TheOperatingSystemUserOnThisHostRunningTheVerb()
    {
        var caller = CallerOrigins.ForCommand("jwt rotate");
        var actor = AuditActor.From(caller);

        Assert.Equal((Environment.UserName, AuditAuthMethods.Command), (actor.Name, actor.AuthMethod));
        Assert.Equal(new AuditOrigin(AuditChannels.Command, "jwt rotate", Environment.MachineName), caller.Origin);
        Assert.Equal(Environment.MachineName, caller.Address);

        // An admin whatever the ACL's role rules: whoever runs a verb has the server's configuration and keys.
        Assert.Equal([ConfidantRoles.Admin], caller.Roles!);
    }
}
