using Confidant.Services.Authorization;
using Confidant.Services.ServiceMappings;
using Confidant.Tests.Support;
using Microsoft.Extensions.Options;

namespace Confidant.Tests.Services.Authorization;

/// <summary>
/// <c>Acl:Policy</c> (ACL_MODULE, spec §10.1) picks the policy the domain services apply; allowing everything outside
/// the Development environment needs a second, explicit setting.
/// </summary>
public sealed class AclOptionsTests
{
    [Fact]
    public async Task Start_NoSetting_DefaultPolicy()
    {
        await using var host = await DomainHost.StartAsync();

        Assert.IsType<DefaultAclPolicy>(host.Get<IAclPolicy>());
    }

    [Fact]
    public async Task Start_AllowAllConfirmedOutsideDevelopment_EveryCallerMayReadAnyService()
    {
        await using var host = await DomainHost.StartAsync(new Dictionary<string, string?>
        {
            ["Acl:Policy"] = "AllowAll",
            ["Acl:ConfirmAllowAll"] = "true",
        });
        await host.Get<ServiceMappingService>().PutAsync(DomainHost.Alice, "billing", new ServiceMappingInput());

        var read = await host.Get<ServiceMappingService>().GetAsync(ConfidantPrincipal.ForService("web"), "billing");

        Assert.IsType<AllowAllAclPolicy>(host.Get<IAclPolicy>());
        Assert.Equal("billing", read.Item.Id);
    }

    [Fact]
    public async Task Start_AllowAllUnconfirmedOutsideDevelopment_RefusedNamingBothSettings()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            DomainHost.StartAsync(new Dictionary<string, string?> { ["Acl:Policy"] = "AllowAll" }));

        Assert.Contains("Acl:Policy is AllowAll", error.Message, StringComparison.Ordinal);
        Assert.Contains("set Acl:ConfirmAllowAll=true", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Development", AclPolicyKind.AllowAll, false, true)]
    [InlineData("Production", AclPolicyKind.AllowAll, false, false)]
    [InlineData("Staging", AclPolicyKind.AllowAll, true, true)]
    [InlineData("Production", AclPolicyKind.Default, false, true)]
    public void Validate_PolicyAndEnvironment_AllowAllNeedsDevelopmentOrConfirmation(string environment, AclPolicyKind policy, bool confirmed, bool valid)
    {
        var validator = new AclOptionsValidator(new Microsoft.Extensions.Hosting.Internal.HostingEnvironment { EnvironmentName = environment });

        var result = validator.Validate(null, new AclOptions { Policy = policy, ConfirmAllowAll = confirmed });

        Assert.Equal(valid, result.Succeeded);
    }
}
