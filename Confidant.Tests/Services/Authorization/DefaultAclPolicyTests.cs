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

public sealed class DefaultAclPolicyRoleTests
{
    private readonly DefaultAclPolicy _policy = new();

    private static ConfidantPrincipal Person(params string[] roles) =>
        ConfidantPrincipal.ForUser("bob@example.com", roles: roles.ToHashSet(StringComparer.Ordinal));

    [Theory]
    [InlineData(AclResources.Credential, AclActions.List, true)]
    [InlineData(AclResources.Credential, AclActions.Metadata, true)]
    [InlineData(AclResources.Credential, AclActions.Get, false)]
    [InlineData(AclResources.Credential, AclActions.Update, false)]
    [InlineData(AclResources.Service, AclActions.Get, false)]
    [InlineData(AclResources.Service, AclActions.Metadata, true)]
    [InlineData(AclResources.BlindCredential, AclActions.Get, true)]
    public void IsAllowed_Reader_MetadataOnly(string resource, string action, bool expected)
    {
        Assert.Equal(expected, _policy.IsAllowed(Person(ConfidantRoles.Reader), resource, action, "x"));
    }

    [Theory]
    [InlineData(AclResources.Credential, AclActions.Get, true)]
    [InlineData(AclResources.Credential, AclActions.Revert, true)]
    [InlineData(AclResources.Service, AclActions.Update, true)]
    [InlineData(AclResources.Service, AclActions.Create, false)]
    [InlineData(AclResources.Credential, AclActions.Archive, false)]
    public void IsAllowed_Editor_RevealsAndChangesButDoesNotAdminister(string resource, string action, bool expected)
    {
        Assert.Equal(expected, _policy.IsAllowed(Person(ConfidantRoles.Editor), resource, action, "x"));
    }

    [Fact]
    public void IsAllowed_Admin_CreatesServicesAndArchives_NoRoles_Nothing()
    {
        Assert.True(_policy.IsAllowed(Person(ConfidantRoles.Admin), AclResources.Service, AclActions.Create, "svc"));
        Assert.True(_policy.IsAllowed(Person(ConfidantRoles.Admin), AclResources.Credential, AclActions.Archive, "x"));
        Assert.False(_policy.IsAllowed(Person(ConfidantRoles.Admin), AclResources.Certificate, AclActions.Get, "x"));
        Assert.False(_policy.IsAllowed(Person(), AclResources.Credential, AclActions.List));
    }
}
