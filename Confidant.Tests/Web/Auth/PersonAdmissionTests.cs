using System.Security.Claims;
using Confidant.Tests.Support;
using Confidant.Web.Auth;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Confidant.Tests.Web.Auth;

public sealed class PersonAdmissionTests
{
    private static readonly AuthOptions Oidc = new() { Mode = AuthOptions.OidcMode };
    private static readonly AuthOptions EntraId = new() { Mode = AuthOptions.EntraIdMode };

    [Theory]
    [InlineData("true", "alice@example.com")]
    [InlineData("True", "alice@example.com")]
    [InlineData("false", null)]
    [InlineData(null, null)]
    public void EmailOf_GenericProvider_OnlyAVerifiedEmailClaim(string? verified, string? expected)
    {
        List<Claim> claims = [new("email", "Alice@Example.com")];
        if (verified is not null)
        {
            claims.Add(new Claim("email_verified", verified));
        }

        Assert.Equal(expected, PersonAdmission.EmailOf(new ClaimsIdentity(claims, "oidc"), Oidc));
    }

    [Fact]
    public void EmailOf_GenericProvider_PreferredUsernameIsNotAnAddress() =>
        // Any user of a generic provider may pick their preferred_username.
        Assert.Null(PersonAdmission.EmailOf(new ClaimsIdentity([new Claim("preferred_username", "ceo@example.com")], "oidc"), Oidc));

    [Fact]
    public void EmailOf_EntraId_SignInNameNotTheEmailClaim()
    {
        // Entra's email claim is not verified; preferred_username is the sign-in name on a tenant-verified domain.
        var identity = new ClaimsIdentity([new Claim("email", "ceo@example.com"), new Claim("preferred_username", "Mallory@Tenant.example")], "oidc");

        Assert.Equal("mallory@tenant.example", PersonAdmission.EmailOf(identity, EntraId));
    }

    [Fact]
    public void EmailOf_EntraIdWithoutPreferredUsername_Upn() =>
        Assert.Equal("bob@tenant.example", PersonAdmission.EmailOf(
            new ClaimsIdentity([new Claim("http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn", "bob@tenant.example")], "oidc"), EntraId));

    [Theory]
    [InlineData(TestIdentityProvider.TenantId, null, TestIdentityProvider.TenantId, true)]
    [InlineData(TestIdentityProvider.TenantId, null, "0b1c2d3e-0000-4000-8000-000000000000", false)]
    [InlineData("organizations", TestIdentityProvider.TenantId, TestIdentityProvider.TenantId, true)]
    [InlineData("organizations", TestIdentityProvider.TenantId, "0b1c2d3e-0000-4000-8000-000000000000", false)]
    [InlineData("organizations", TestIdentityProvider.TenantId, null, false)]
    [InlineData("organizations", null, TestIdentityProvider.TenantId, false)]
    [InlineData("contoso.onmicrosoft.com", null, TestIdentityProvider.TenantId, true)]
    public void IsAllowedTenant_TidAgainstTheAllowedTenants(string configured, string? allowed, string? tid, bool expected)
    {
        var options = new AuthOptions { Mode = AuthOptions.EntraIdMode, EntraId = new() { AllowedTenants = allowed is null ? [] : [allowed] } };
        var identity = new ClaimsIdentity(tid is null ? [] : [new Claim("tid", tid)], "oidc");

        Assert.Equal(expected, PersonAdmission.IsAllowedTenant(identity, options, configured));
    }

    [Fact]
    public void Admit_ClaimsNamedLikeOurs_ReplacedByOurs()
    {
        var admission = Admission(new AuthOptions { Mode = AuthOptions.OidcMode, Roles = new() { Reader = ["grp-readers"] } });
        var identity = new ClaimsIdentity(
            [
                new Claim("email", "alice@example.com"), new Claim("email_verified", "true"), new Claim("groups", "grp-readers"),
                new Claim(ConfidantClaims.UserType, "service"), new Claim("Confidant:Role", "admin"), new Claim(ConfidantClaims.Account, "acct2"),
                new Claim(ClaimTypes.Email, "ceo@example.com"),
            ],
            "oidc");

        var result = admission.Admit(identity);

        Assert.True(result.Allowed);
        Assert.DoesNotContain(identity.Claims, c => c.Type.StartsWith("confidant:", StringComparison.OrdinalIgnoreCase) && c.Type != ConfidantClaims.Role);
        Assert.Equal(["reader"], identity.FindAll(ConfidantClaims.Role).Select(c => c.Value));
        Assert.Equal(["alice@example.com"], identity.Claims.Where(c => c.Type is "email" or ClaimTypes.Email).Select(c => c.Value));
    }

    [Fact]
    public void Admit_UsersFile_ReadAtEveryCheck()
    {
        using var directory = new TempDirectory();
        var file = directory.File("users.yaml");
        File.WriteAllText(file, "- alice@example.com\n");
        var admission = Admission(new AuthOptions { Mode = AuthOptions.OidcMode, AllowedUsersFile = file });

        var before = admission.Admit(Verified("alice@example.com")).Allowed;
        File.WriteAllText(file, "bob@example.com: Bob\n");
        var after = admission.Admit(Verified("alice@example.com")).Allowed;
        File.Delete(file);
        var gone = admission.Admit(Verified("bob@example.com")).Allowed;

        Assert.True(before);
        Assert.False(after);
        Assert.False(gone);
    }

    private static ClaimsIdentity Verified(string email) => new([new Claim("email", email), new Claim("email_verified", "true")], "oidc");

    private static PersonAdmission Admission(AuthOptions options)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddOptions<AuthOptions>().Configure(o =>
        {
            o.Mode = options.Mode;
            o.AllowedUsersFile = options.AllowedUsersFile;
            o.Roles = options.Roles;
        });
        services.AddSingleton<PersonAdmission>();
        return services.BuildServiceProvider().GetRequiredService<PersonAdmission>();
    }
}
