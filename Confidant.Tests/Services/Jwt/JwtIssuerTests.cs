using Confidant.Services.Authorization;
using Confidant.Services.Errors;
using Confidant.Services.Jwt;
using Confidant.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Confidant.Tests.Services.Jwt;

/// <summary>The ACL of <c>jwt:get</c> (spec §3.2, §3.3) as the issuer asks it.</summary>
public sealed class JwtIssuerTests : IAsyncLifetime
{
    private readonly RecordingAcl _acl = new();
    private DomainHost _host = null!;

    public async Task InitializeAsync() => _host = await DomainHost.StartAsync(
        new Dictionary<string, string?> { ["Jwt:Environments:0"] = "development" },
        configureServices: services => services.AddSingleton<IAclPolicy>(_acl));

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task IssueAsync_AclAskedWithTheCallerAsResourceAndSubjectAndEnvironmentAsKwargs()
    {
        var caller = ConfidantPrincipal.ForUser("alice@example.com");

        await _host.Get<JwtIssuer>().IssueAsync(caller, new JwtRequest("development", "bob", IsService: false));

        var (principal, resourceType, action, resourceId, arguments) = Assert.Single(_acl.Checks);
        Assert.Equal((caller, AclResources.Jwt, AclActions.Get, "alice@example.com"), (principal, resourceType, action, resourceId));
        Assert.Equal(("bob", "development"), (arguments?.Id, arguments?.Environment));
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData(ConfidantRoles.Reader, false)]
    [InlineData(ConfidantRoles.Editor, true)]
    [InlineData(ConfidantRoles.Admin, true)]
    public async Task IssueAsync_DefaultAcl_PeopleWithRolesNeedTheEditorRole(string? role, bool allowed)
    {
        // A person without roles (no role mapping configured) is every user of the original, who may get a token.
        _acl.Inner = new DefaultAclPolicy();
        var caller = ConfidantPrincipal.ForUser("carol@example.com", roles: role is null ? null : new HashSet<string> { role });

        var issue = () => _host.Get<JwtIssuer>().IssueAsync(caller, new JwtRequest("development", "bob", IsService: false));

        if (allowed)
        {
            Assert.NotEmpty(await issue());
        }
        else
        {
            var error = await Assert.ThrowsAsync<ConfidantException>(issue);
            Assert.Equal((ConfidantErrorKind.Forbidden, "carol@example.com does not have access to get JWT bob"), (error.Kind, error.Message));
        }
    }

    [Fact]
    public async Task IssueAsync_Forbidden_BeforeAnyKeyIsMade()
    {
        _acl.Inner = new DefaultAclPolicy();
        var keyFile = Path.Combine(_host.DataDirectory, "App_Data", "confidant.jwt-keys.json");
        var issuer = _host.Get<JwtIssuer>();

        var error = await Assert.ThrowsAsync<ConfidantException>(() =>
            issuer.IssueAsync(ConfidantPrincipal.ForService("billing"), new JwtRequest("development", null, IsService: true)));
        var madeBeforeAnyAllowedRequest = File.Exists(keyFile);
        await issuer.IssueAsync(ConfidantPrincipal.ForUser("dana@example.com", roles: new HashSet<string> { ConfidantRoles.Editor }), new JwtRequest("development", null, IsService: false));

        Assert.Equal(ConfidantErrorKind.Forbidden, error.Kind);
        Assert.False(madeBeforeAnyAllowedRequest);
        Assert.True(File.Exists(keyFile));
    }

    private sealed class RecordingAcl : IAclPolicy
    {
        public IAclPolicy Inner { get; set; } = new AllowAllAclPolicy();

        public List<(ConfidantPrincipal, string, string, string?, AclArguments?)> Checks { get; } = [];

        public bool IsAllowed(ConfidantPrincipal principal, string resourceType, string action, string? resourceId = null, AclArguments? arguments = null)
        {
            Checks.Add((principal, resourceType, action, resourceId, arguments));
            return Inner.IsAllowed(principal, resourceType, action, resourceId, arguments);
        }
    }
}
