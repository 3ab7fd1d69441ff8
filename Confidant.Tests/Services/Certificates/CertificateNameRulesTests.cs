using Confidant.Services.Authorization;
using Confidant.Services.Certificates;
using Microsoft.Extensions.Options;

namespace Confidant.Tests.Services.Certificates;

/// <summary>
/// The certificate ACL of spec §3.3 as the default policy applies it: the CA's pattern (Python syntax, start-anchored)
/// must give the caller's own name for the CN and for every SAN.
/// </summary>
public sealed class CertificateNameRulesTests
{
    private const string Pattern = @"(?P<service_name>[\w-]+)\.(?:svc|api)\.example\.com";

    private static DefaultAclPolicy Policy(string? pattern = Pattern, string provider = "Local") => new(new CertificateNameRules(Options.Create(
        new CertificateOptions
        {
            Provider = provider,
            Local = { DomainRegex = pattern },
            Custom = { DomainRegex = pattern },
            AcmPca = { Authorities = [new AcmPcaAuthorityOptions { Name = "internal", DomainRegex = pattern }, new AcmPcaAuthorityOptions { Name = "other" }] },
        })));

    private static bool Allowed(DefaultAclPolicy policy, string service, string ca, string cn, params string[] sans) =>
        policy.IsAllowed(ConfidantPrincipal.ForService(service), AclResources.Certificate, AclActions.Get, cn, new AclArguments(Ca: ca, San: sans));

    [Theory]
    [InlineData("billing.svc.example.com", new string[0], true)]
    [InlineData("billing.svc.example.com", new[] { "billing.api.example.com", "billing.svc.example.com" }, true)]
    [InlineData("web.svc.example.com", new string[0], false)]
    [InlineData("billing.svc.example.com", new[] { "web.svc.example.com" }, false)]
    [InlineData("billing.svc.example.com", new[] { "billing.api.example.com", "mail.example.org" }, false)]
    [InlineData("billing.svc.example.com", new[] { "*.svc.example.com" }, false)]
    [InlineData("billing.svc.example.com", new[] { "10.1.2.3" }, false)]
    [InlineData("x.billing.svc.example.com", new string[0], false)]
    [InlineData("billing.svc.example.com.evil.org", new string[0], true)]
    public void Service_CnAndEverySanMustBeItsOwn(string cn, string[] sans, bool expected)
    {
        // The last case is allowed: Python's re.match anchors at the start only, so a pattern must end with $ to
        // pin the end (the README says so); the original behaved the same.
        Assert.Equal(expected, Allowed(Policy(), "billing", "local", cn, sans));
    }

    [Fact]
    public void Service_PatternEndingWithDollarOrBackslashZ_PinsTheEnd()
    {
        Assert.False(Allowed(Policy(Pattern + "$"), "billing", "local", "billing.svc.example.com.evil.org"));
        Assert.False(Allowed(Policy(Pattern + @"\Z"), "billing", "local", "billing.svc.example.com\n"));
        Assert.True(Allowed(Policy(Pattern + @"\Z"), "billing", "local", "billing.svc.example.com"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(@"[\w-]+\.svc\.example\.com")]
    [InlineData(@"(?P<name>[\w-]+)\.svc\.example\.com")]
    public void Service_NoPatternOrNoServiceNameGroup_Denied(string? pattern)
    {
        Assert.False(Allowed(Policy(pattern), "billing", "local", "billing.svc.example.com"));
    }

    [Fact]
    public void Service_EmptyServiceNameGroup_Denied()
    {
        var policy = Policy(@"(?P<service_name>[\w-]*)\.svc\.example\.com");

        Assert.True(Allowed(policy, "billing", "local", "billing.svc.example.com"));
        Assert.False(Allowed(policy, string.Empty, "local", ".svc.example.com"));
    }

    [Fact]
    public void Service_PerCaPatterns_ForAwsPrivateCas()
    {
        var policy = Policy(provider: "AcmPca");

        Assert.True(Allowed(policy, "billing", "internal", "billing.svc.example.com"));
        Assert.False(Allowed(policy, "billing", "other", "billing.svc.example.com"));
        Assert.False(Allowed(policy, "billing", "local", "billing.svc.example.com"));
    }

    [Fact]
    public void Service_OnePatternForEveryConfiguredCa()
    {
        var policy = Policy(provider: "Custom");

        Assert.True(Allowed(policy, "billing", "any-custom-ca", "billing.svc.example.com"));
        Assert.False(Allowed(policy, "web", "any-custom-ca", "billing.svc.example.com"));
    }

    [Fact]
    public void Service_PythonBackReference_IsTranslated()
    {
        var policy = Policy(@"(?P<service_name>[\w-]+)\.(?P=service_name)\.example\.com$");

        Assert.True(Allowed(policy, "billing", "local", "billing.billing.example.com"));
        Assert.False(Allowed(policy, "billing", "local", "billing.web.example.com"));
    }

    [Fact]
    public void People_AndOtherActions_Denied()
    {
        var policy = Policy();

        Assert.False(policy.IsAllowed(ConfidantPrincipal.ForUser("billing"), AclResources.Certificate, AclActions.Get, "billing.svc.example.com", new AclArguments(Ca: "local", San: [])));
        Assert.False(policy.IsAllowed(ConfidantPrincipal.ForService("billing"), AclResources.Certificate, AclActions.List, "billing.svc.example.com", new AclArguments(Ca: "local", San: [])));
        Assert.False(new DefaultAclPolicy().IsAllowed(ConfidantPrincipal.ForService("billing"), AclResources.Certificate, AclActions.Get, "billing.svc.example.com", new AclArguments(Ca: "local")));
    }

    [Fact]
    public void Match_CatastrophicPatternOnALongName_DeniedWithinTheTimeout()
    {
        var policy = Policy(@"(?P<service_name>(a+)+)b");

        var started = TimeProvider.System.GetTimestamp();
        Assert.False(Allowed(policy, "a", "local", new string('a', 5000)));
        Assert.True(TimeProvider.System.GetElapsedTime(started) < TimeSpan.FromSeconds(5));
    }

    [Theory]
    [InlineData(@"(?P<service_name>\w+)", @"(?<service_name>\w+)")]
    [InlineData(@"(?P=a)", @"\k<a>")]
    [InlineData(@"a\Z", @"a\z")]
    [InlineData(@"a\\Z", @"a\\Z")]
    [InlineData(@"\(?P<x>", @"\(?P<x>")]
    public void FromPython_TranslatesOnlyPythonSpellings(string python, string dotnet) =>
        Assert.Equal(dotnet, CertificateNameRules.FromPython(python));
}
