using System.Collections;
using Confidant.Services.Configuration;
using Confidant.Web.Auth;
using Microsoft.Extensions.Configuration;

namespace Confidant.Tests.Services.Configuration;

/// <summary>spec §2.5, §10.2: an operator moving over with Confidant's sign-in settings gets the sign-in they had.</summary>
public sealed class LegacySignInVariablesTests
{
    [Fact]
    public void Google_Explicit_OidcAgainstGoogleWithTheAllowList()
    {
        var configuration = Build(new Hashtable
        {
            ["USER_AUTH_MODULE"] = "google",
            ["GOOGLE_OAUTH_CLIENT_ID"] = "1234.apps.googleusercontent.com",
            ["GOOGLE_OAUTH_CONSUMER_SECRET"] = "google-secret",
            ["USER_EMAIL_SUFFIX"] = "@example.com",
            ["USERS_FILE"] = "/etc/confidant/users.yaml",
        });

        Assert.Equal("Oidc", configuration["Auth:Mode"]);
        Assert.Equal("https://accounts.google.com", configuration["Auth:Oidc:Authority"]);
        Assert.Equal("1234.apps.googleusercontent.com", configuration["Auth:Oidc:ClientId"]);
        Assert.Equal("google-secret", configuration["Auth:Oidc:ClientSecret"]);
        Assert.Equal(["profile", "email"], configuration.GetSection("Auth:Oidc:Scopes").Get<string[]>()!);
        Assert.Equal("@example.com", configuration["Auth:AllowedEmailSuffix"]);
        Assert.Equal("/etc/confidant/users.yaml", configuration["Auth:AllowedUsersFile"]);

        // The original let every admitted person do everything.
        Assert.Equal("admin", configuration["Auth:Roles:Default"]);
    }

    [Fact]
    public void Google_NoModuleButAClientId_IsTheOriginalsDefault()
    {
        var configuration = Build(new Hashtable { ["GOOGLE_OAUTH_CLIENT_ID"] = "1234.apps.googleusercontent.com" });

        Assert.Equal("Oidc", configuration["Auth:Mode"]);
        Assert.Equal("https://accounts.google.com", configuration["Auth:Oidc:Authority"]);
    }

    [Fact]
    public void Google_FromConfidantSettings_PassesStartUpValidation()
    {
        var configuration = Build(new Hashtable { ["GOOGLE_OAUTH_CLIENT_ID"] = "1234.apps.googleusercontent.com", ["GOOGLE_AUTH_EMAIL_SUFFIX"] = "example.com" });

        var options = configuration.GetSection(AuthOptions.SectionName).Get<AuthOptions>()!;

        Assert.True(new AuthOptionsValidator(configuration).Validate(null, options).Succeeded);
        Assert.Equal(["profile", "email"], options.Oidc.EffectiveScopes);
    }

    [Fact]
    public void NoSignInSettings_NoModeMapped()
    {
        var configuration = Build(new Hashtable { ["DYNAMODB_TABLE"] = "confidant" });

        Assert.Null(configuration["Auth:Mode"]);
        Assert.Null(configuration["Auth:Roles:Default"]);
    }

    [Fact]
    public void Header_HeaderSignInWithTheHeaderNames()
    {
        var configuration = Build(new Hashtable
        {
            ["USER_AUTH_MODULE"] = "header",
            ["GOOGLE_OAUTH_CLIENT_ID"] = "ignored",
            ["HEADER_AUTH_USERNAME_HEADER"] = "X-Forwarded-User",
            ["HEADER_AUTH_EMAIL_HEADER"] = "X-Forwarded-Email",
            ["HEADER_AUTH_FIRST_NAME_HEADER"] = "X-First",
            ["HEADER_AUTH_LAST_NAME_HEADER"] = "X-Last",
        });

        Assert.Equal("Header", configuration["Auth:Mode"]);
        Assert.Equal("X-Forwarded-User", configuration["Auth:Header:UserNameHeader"]);
        Assert.Equal("X-Forwarded-Email", configuration["Auth:Header:EmailHeader"]);
        Assert.Equal("X-First", configuration["Auth:Header:FirstNameHeader"]);
        Assert.Equal("X-Last", configuration["Auth:Header:LastNameHeader"]);
        Assert.Equal("admin", configuration["Auth:Roles:Default"]);
        Assert.Null(configuration["Auth:Oidc:ClientId"]);
    }

    [Fact]
    public void Saml_RefusedAtStartUpSayingWhatToUse()
    {
        var configuration = Build(new Hashtable { ["USER_AUTH_MODULE"] = "saml" });

        var options = configuration.GetSection(AuthOptions.SectionName).Get<AuthOptions>()!;
        var failure = Assert.Single(new AuthOptionsValidator(configuration).Validate(null, options).Failures!);

        Assert.Contains("USER_AUTH_MODULE=saml", failure, StringComparison.Ordinal);
        Assert.Contains("Oidc", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void EmailSuffix_UserEmailSuffixWinsOverItsAlias()
    {
        var configuration = Build(new Hashtable { ["GOOGLE_AUTH_EMAIL_SUFFIX"] = "old.example", ["USER_EMAIL_SUFFIX"] = "example.com" });

        Assert.Equal("example.com", configuration["Auth:AllowedEmailSuffix"]);
    }

    [Theory]
    [InlineData("43200", "86400", "43200", "86400")]
    [InlineData("0", "0", null, null)]
    public void SessionLifetimes_MappedWhenPositive(string lifetime, string max, string? idle, string? maxLifetime)
    {
        var configuration = Build(new Hashtable { ["PERMANENT_SESSION_LIFETIME"] = lifetime, ["MAX_PERMANENT_SESSION_LIFETIME"] = max });

        Assert.Equal(idle, configuration["Auth:Session:IdleTimeoutSeconds"]);
        Assert.Equal(maxLifetime, configuration["Auth:Session:MaxLifetimeSeconds"]);
    }

    private static IConfigurationRoot Build(IDictionary variables) =>
        new ConfigurationBuilder().Add(new LegacyEnvironmentVariables(variables)).Build();
}
