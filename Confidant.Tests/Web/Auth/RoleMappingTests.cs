using System.Security.Claims;
using Confidant.Services.Authorization;
using Confidant.Web.Auth;

namespace Confidant.Tests.Web.Auth;

public sealed class RoleMappingTests
{
    private static readonly RoleMappingOptions Options = new()
    {
        Reader = ["grp-readers"],
        Editor = ["grp-editors"],
        Admin = ["Confidant.Admin"],
    };

    [Fact]
    public void Map_GroupClaim_GrantsItsRole() =>
        Assert.Equal([ConfidantRoles.Editor], RoleMapping.Map([new Claim("groups", "grp-editors")], Options));

    [Fact]
    public void Map_AppRoleClaim_GrantsItsRole() =>
        Assert.Equal([ConfidantRoles.Admin], RoleMapping.Map([new Claim("roles", "Confidant.Admin")], Options));

    [Fact]
    public void Map_LongRoleClaimType_CountsAsRoles() =>
        Assert.Equal([ConfidantRoles.Admin], RoleMapping.Map([new Claim(ClaimTypes.Role, "Confidant.Admin")], Options));

    [Fact]
    public void Map_SeveralMatchingClaims_GrantsEveryRole() =>
        Assert.Equal(
            new HashSet<string> { ConfidantRoles.Reader, ConfidantRoles.Admin },
            RoleMapping.Map([new Claim("groups", "grp-readers"), new Claim("roles", "Confidant.Admin")], Options));

    [Fact]
    public void Map_NoMatchingClaimAndNoDefault_IsEmpty() =>
        Assert.Empty(RoleMapping.Map([new Claim("groups", "grp-other"), new Claim("email", "grp-editors")], Options));

    [Fact]
    public void Map_ValueDiffersOnlyInCase_DoesNotMatch() =>
        Assert.Empty(RoleMapping.Map([new Claim("groups", "GRP-EDITORS")], Options));

    [Fact]
    public void Map_NoMatchingClaimWithDefault_GrantsDefault()
    {
        var options = new RoleMappingOptions { Editor = ["grp-editors"], Default = "Reader" };

        Assert.Equal([ConfidantRoles.Reader], RoleMapping.Map([new Claim("groups", "grp-other")], options));
    }

    [Fact]
    public void Map_MatchingClaimWithDefault_IgnoresDefault()
    {
        var options = new RoleMappingOptions { Editor = ["grp-editors"], Default = "reader" };

        Assert.Equal([ConfidantRoles.Editor], RoleMapping.Map([new Claim("groups", "grp-editors")], options));
    }

    [Fact]
    public void Map_ConfiguredClaimTypes_ReplaceTheDefaults()
    {
        var options = new RoleMappingOptions { RoleClaimTypes = ["department"], Editor = ["grp-editors", "security"] };

        Assert.Empty(RoleMapping.Map([new Claim("groups", "grp-editors")], options));
        Assert.Equal([ConfidantRoles.Editor], RoleMapping.Map([new Claim("department", "security")], options));
    }
}
