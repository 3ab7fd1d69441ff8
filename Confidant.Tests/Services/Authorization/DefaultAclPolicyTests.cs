using Confidant.Services.Authorization;

namespace Confidant.Tests.Services.Authorization;

public sealed class DefaultAclPolicyTests
{
    private readonly DefaultAclPolicy _policy = new();

    [Theory]
    [InlineData(AclResources.Credential, AclActions.Get, true)]
    [InlineData(AclResources.Service, AclActions.Update, true)]
    [InlineData(AclResources.Certificate, AclActions.Get, false)]
    [InlineData(AclResources.Ca, AclActions.List, false)]
    public void IsAllowed_User_EverythingButCertificatesAndCas(string resource, string action, bool expected)
    {
        // spec §3.3
        Assert.Equal(expected, _policy.IsAllowed(ConfidantPrincipal.ForUser("alice"), resource, action, "x"));
    }

    [Theory]
    [InlineData(AclResources.Service, AclActions.Get, "svc", true)]
    [InlineData(AclResources.Service, AclActions.Metadata, "svc", true)]
    [InlineData(AclResources.Service, AclActions.Get, "other", false)]
    [InlineData(AclResources.Service, AclActions.Update, "svc", false)]
    [InlineData(AclResources.Service, AclActions.List, null, false)]
    [InlineData(AclResources.Credential, AclActions.Get, "abc", false)]
    [InlineData(AclResources.BlindCredential, AclActions.Get, "abc", false)]
    [InlineData(AclResources.Ca, AclActions.List, null, true)]
    public void IsAllowed_Service_OnlyItsOwnMapping(string resource, string action, string? id, bool expected)
    {
        Assert.Equal(expected, _policy.IsAllowed(ConfidantPrincipal.ForService("svc"), resource, action, id));
    }
}
