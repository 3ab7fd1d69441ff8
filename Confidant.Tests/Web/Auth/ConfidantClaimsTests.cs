using System.Security.Claims;
using Confidant.Services.Authorization;
using Confidant.Web.Auth;

namespace Confidant.Tests.Web.Auth;

public sealed class ConfidantClaimsTests
{
    [Fact]
    public void ToConfidantPrincipal_SessionWithRoleClaims_ReadsKnownRoles()
    {
        var caller = Session(new Claim(ConfidantClaims.Role, "editor"), new Claim(ConfidantClaims.Role, "superuser")).ToConfidantPrincipal();

        Assert.Equal([ConfidantRoles.Editor], caller.Roles!);
        Assert.Equal("alice@example.com", caller.Name);
    }

    [Fact]
    public void ToConfidantPrincipal_SessionWithoutRoleClaims_HasEmptyRolesAndNoAccess()
    {
        var caller = Session().ToConfidantPrincipal();

        Assert.NotNull(caller.Roles);
        Assert.Empty(caller.Roles);
        Assert.False(new DefaultAclPolicy().IsAllowed(caller, AclResources.Credential, AclActions.List));
    }

    [Fact]
    public void ToConfidantPrincipal_KmsUser_HoldsTheRoleOnThePrincipal()
    {
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, "alice"), new Claim(ConfidantClaims.UserType, "user"), new Claim(ConfidantClaims.AuthType, ConfidantClaims.KmsAuthType),
                new Claim(ConfidantClaims.Role, ConfidantRoles.Reader)],
            KmsTokenAuthenticationHandler.SchemeName);

        Assert.Equal([ConfidantRoles.Reader], new ClaimsPrincipal(identity).ToConfidantPrincipal().Roles!);
    }

    [Fact]
    public void ToConfidantPrincipal_KmsService_HasNoRoleSet()
    {
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, "web"), new Claim(ConfidantClaims.UserType, "service"), new Claim(ConfidantClaims.AuthType, ConfidantClaims.KmsAuthType)],
            KmsTokenAuthenticationHandler.SchemeName);

        Assert.Null(new ClaimsPrincipal(identity).ToConfidantPrincipal().Roles);
    }

    private static ClaimsPrincipal Session(params Claim[] extra) =>
        new(new ClaimsIdentity([new Claim("email", "Alice@Example.com"), .. extra], "Cookies"));
}
